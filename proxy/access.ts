/**
 * Who may do what (SC-TENANT-01..03, SC-AUTH-01..04, -06), judged on single exchanges with what the traffic taught
 * about each token: its kind (anonymous, customer, service), its tenant (the login's), its scopes (the token
 * answer's) and whether it was logged out. A token the proxy did not see handed out is judged only by what needs no
 * such knowledge (a missing bearer, a malformed tenant). What the documents leave open is not judged: the token's
 * own tenant in another case (SC-TENANT-04), which 4xx a refusal is where several are documented.
 */
import type { TimedExchange } from './server.js';
import { isManagement, routeOf } from './routes.js';
import { isPlainObject } from '../tests/support/model/oracle.js';
import { validator } from '../tests/support/schemas.js';

export interface AccessFinding {
  requirement: string;
  text: string;
}

interface TokenFacts {
  kind: 'anonymous' | 'customer' | 'service';
  tenant?: string;
  /** Service tokens: whether the answer granted the management scope (either spelling, BEHAVIOUR.md §1). */
  manage?: boolean;
  /** When a logout of this token was answered 2xx. */
  loggedOutAt?: number;
  lastSeen: number;
}

const TENANT = /^[a-z][a-z0-9]+$/;
const wellFormed = (t: string) => TENANT.test(t) && t.length >= 3 && t.length <= 16;

function str(json: unknown, ...names: string[]): string | undefined {
  if (!isPlainObject(json)) return undefined;
  for (const n of names) if (typeof json[n] === 'string' && json[n]) return json[n] as string;
  return undefined;
}

export class AccessJudge {
  private readonly tokens = new Map<string, TokenFacts>();

  get size(): number {
    return this.tokens.size;
  }

  expire(idleMs: number, now = Date.now()): void {
    for (const [k, t] of this.tokens) if (now - t.lastSeen > idleMs) this.tokens.delete(k);
  }

  private learn(token: string | undefined, facts: Omit<TokenFacts, 'lastSeen'>, now: number): void {
    if (token) this.tokens.set(token, { ...facts, lastSeen: now });
  }

  observe(x: TimedExchange): AccessFinding[] {
    const route = routeOf(x.method, x.url);
    const ok = x.status >= 200 && x.status < 300;
    const header = x.requestHeaders.authorization;
    const bearer = /^bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    const query = (() => {
      try {
        return new URL(x.url).searchParams;
      } catch {
        return new URLSearchParams();
      }
    })();
    switch (route.kind) {
      case 'anon-login':
      case 'anon-refresh':
        if (ok) this.learn(str(x.json, 'access_token'), { kind: 'anonymous', tenant: query.get('tenant') ?? query.get('hybris-tenant') ?? undefined }, x.endedAt);
        return [];
      case 'customer-login':
        if (ok) this.learn(str(x.json, 'access_token', 'accessToken'), { kind: 'customer', tenant: route.tenant }, x.endedAt);
        return [];
      case 'customer-logout': {
        const facts = bearer ? this.tokens.get(bearer) : undefined;
        if (ok && facts) facts.loggedOutAt = x.endedAt;
        return [];
      }
      case 'service-token': {
        const scope = str(x.json, 'scope') ?? '';
        if (ok) this.learn(str(x.json, 'access_token'), { kind: 'service', manage: /(^|\s)session_?context\.context_manage(\s|$)/.test(scope) }, x.endedAt);
        return [];
      }
      case 'other':
      case 'cart-create':
        return [];
      default:
        break;
    }
    // A Session Context operation. Gateway answers (429, 502..504) say nothing about the service.
    if ([429, 502, 503, 504].includes(x.status)) return [];
    const out: AccessFinding[] = [];
    const tenant = route.tenant ?? '';
    const facts = bearer ? this.tokens.get(bearer) : undefined;
    if (facts) facts.lastSeen = x.endedAt;
    const own = facts?.tenant;
    // The token's own tenant in another case is left open (SC-TENANT-04); so is any such spelling of an unknown token's.
    const caseVariant = tenant !== tenant.toLowerCase() && wellFormed(tenant.toLowerCase()) && (own === undefined || own === tenant.toLowerCase());
    if (!wellFormed(tenant) && !caseVariant && ok) {
      out.push({ requirement: 'SC-TENANT-01', text: `the tenant segment ${JSON.stringify(tenant.slice(0, 40))} is outside ^[a-z][a-z0-9]+$ or 3 to 16 characters, yet ${route.operation} answered ${x.status}` });
    }
    if (own !== undefined && wellFormed(tenant) && tenant !== own && ok) {
      out.push({ requirement: 'SC-TENANT-02', text: `a token of tenant ${own} was served on tenant ${tenant}: ${route.operation} answered ${x.status}` });
    }
    // Which check answers first when a request is wrong in several ways (a bad body and no token) is not documented:
    // a refusal is only required not to be a success; a 401, where it comes, must carry the gateway's fault body.
    const refused = x.status >= 400 && x.status < 500;
    if (header === undefined || !/^bearer\s+\S+/i.test(header)) {
      const why = header === undefined ? 'no Authorization header' : 'an Authorization header that is no bearer token';
      if (!refused) out.push({ requirement: 'SC-AUTH-01', text: `${why}: ${route.operation} answered ${x.status}` });
      else if (x.status === 401 && !(x.json !== undefined && validator('GatewayFault')(x.json))) out.push({ requirement: 'SC-AUTH-01', text: `${why}: ${route.operation} answered 401 without the gateway fault body` });
      return out;
    }
    if (!facts) return out;
    if (facts.loggedOutAt !== undefined && x.startedAt > facts.loggedOutAt && !refused) {
      out.push({ requirement: 'SC-AUTH-04', text: `a customer token used after its logout was answered ${x.status} by ${route.operation}` });
    }
    if (isManagement(route.kind)) {
      if (facts.kind !== 'service' && !refused) out.push({ requirement: 'SC-AUTH-02', text: `an ${facts.kind} token on ${route.operation} was answered ${x.status}` });
      if (facts.kind === 'service' && facts.manage === false && !refused) out.push({ requirement: 'SC-AUTH-03', text: `a service token without sessioncontext.context_manage on ${route.operation} was answered ${x.status}` });
    } else if (facts.kind === 'service' && ok) {
      out.push({ requirement: 'SC-AUTH-06', text: `a service token, which belongs to no session, was answered ${x.status} by ${route.operation}` });
    }
    return out;
  }
}
