/**
 * Judges the client, not the API: requests the documents say are wrong or useless. A finding here never changes
 * the API's verdict; it is for the team that owns the storefront. Each finding names the document line it rests on.
 *
 * State is per session (learnt from the login and refresh answers, or the management path) and per principal (the
 * bearer token that made the request), and expires with the session, so a long-running proxy stays bounded.
 */
import type { TimedExchange } from './server.js';
import { routeOf, isManagement, type Route } from './routes.js';
import { expectPatch, isPlainObject } from '../tests/support/model/oracle.js';
import type { SpecVersion } from '../tests/support/target.js';

export type ClientFindingKind = 'write-without-version' | 'ignored-fields' | 'context-drops-attributes' | 'stale-retry' | 'secret-in-browser' | 'delete-unseen';

export interface ClientFinding {
  kind: ClientFindingKind;
  text: string;
  exchange: TimedExchange;
}

/** Why each kind is a finding: the document line it rests on. */
export const CLIENT_RULES: Record<ClientFindingKind, { title: string; source: string }> = {
  'write-without-version': {
    title: 'a PATCH or PUT without an integer metadata.version',
    source: 'seeds/own-session-management.txt:60 ("you need to provide its current metadata.version"); openapi/session-context.2026-06-11.yaml:141, SessionContext_PATCH and the PUT body require metadata; BEHAVIOUR.md §1',
  },
  'ignored-fields': {
    title: 'PATCH fields outside the whitelist, which the server ignores',
    source: 'seeds/own-session-management.txt:62 ("Only specific fields can be updated this way, and the rest is ignored"); openapi/session-context.2026-06-11.yaml:143',
  },
  'context-drops-attributes': {
    title: 'a write of the whole context map that drops attributes written since the client last read them',
    source: 'BEHAVIOUR.md §2 (PATCH replaces the whole context map; clients merge before sending); openapi/session-context.2026-06-11.yaml SessionContext_PATCH.context',
  },
  'stale-retry': {
    title: 'a write refused for its version sent again with the same version, without a read in between',
    source: 'BEHAVIOUR.md §2 (a stale metadata.version is answered 404; clients re-read and retry); openapi/session-context.2026-06-11.yaml:141 (the current metadata.version)',
  },
  'secret-in-browser': {
    title: 'a management endpoint or a service token used from a browser origin',
    source: 'openapi/session-context.2026-06-11.yaml securitySchemes.OAuth2 (client credentials, scope sessioncontext.context_manage); openapi/oauth.yaml /oauth/token (client_secret); BEHAVIOUR.md §4',
  },
  'delete-unseen': {
    title: 'an attribute DELETE for a name the client never read or wrote',
    source: 'BEHAVIOUR.md §2 (deleting an attribute that does not exist answers 404); openapi/session-context.2026-06-11.yaml DELETE …/attributes/{attributeName}',
  },
};

interface Principal {
  /** Attribute names this principal read last or wrote itself. */
  seen: Set<string>;
  lastReadAt: number;
  /** The version of this principal's last write refused with 404 or 409, until it reads again. */
  refusedVersion?: number;
}

interface Session {
  lastSeen: number;
  /** Attribute names written (by anyone) and when; a name deleted is removed. */
  writes: Map<string, number>;
  principals: Map<string, Principal>;
}

const bearerOf = (x: TimedExchange) => /^bearer\s+(\S+)/i.exec(x.requestHeaders.authorization ?? '')?.[1];

const ok = (x: TimedExchange) => x.status >= 200 && x.status < 300;

function field(json: unknown, ...names: string[]): string | undefined {
  if (!isPlainObject(json)) return undefined;
  for (const n of names) if (typeof json[n] === 'string' && json[n]) return json[n] as string;
  return undefined;
}

export class ClientJudge {
  private readonly sessions = new Map<string, Session>();
  /** Bearer or refresh token → session id, learnt from login and refresh answers. */
  private readonly tokens = new Map<string, { sessionId: string; lastSeen: number }>();
  private readonly serviceTokens = new Map<string, number>();

  constructor(private readonly specVersion: SpecVersion) {}

  get size(): number {
    return this.sessions.size;
  }

  expire(idleMs: number, now = Date.now()): void {
    for (const [k, s] of this.sessions) if (now - s.lastSeen > idleMs) this.sessions.delete(k);
    for (const [k, t] of this.tokens) if (now - t.lastSeen > idleMs) this.tokens.delete(k);
    for (const [k, t] of this.serviceTokens) if (now - t > idleMs) this.serviceTokens.delete(k);
  }

  private learn(token: string | undefined, sessionId: string | undefined, now: number): void {
    if (token && sessionId) this.tokens.set(token, { sessionId, lastSeen: now });
  }

  private sessionKey(x: TimedExchange, route: Route): string | undefined {
    if (route.sessionId !== undefined) return `${route.tenant}/${route.sessionId}`;
    const token = bearerOf(x);
    if (!token) return undefined;
    const known = this.tokens.get(token);
    if (known) known.lastSeen = x.endedAt;
    // A token whose login the proxy did not see: the token stands for its session.
    return known ? `${route.tenant}/${known.sessionId}` : `token:${token}`;
  }

  observe(x: TimedExchange): ClientFinding[] {
    const route = routeOf(x.method, x.url);
    const now = x.endedAt;
    const out: ClientFinding[] = [];
    const finding = (kind: ClientFindingKind, text: string) => out.push({ kind, text, exchange: x });

    // Whatever the path: a service token or a management call made from a page exposes a secret to its visitors.
    const bearer = bearerOf(x);
    if (x.requestHeaders.origin !== undefined) {
      const secretInForm = route.kind === 'service-token' && /client_secret=/.test(x.rawBody ?? '');
      if (secretInForm) finding('secret-in-browser', `a client secret was sent to ${route.operation} from the origin ${x.requestHeaders.origin}`);
      else if (isManagement(route.kind)) finding('secret-in-browser', `${route.operation} was called from the origin ${x.requestHeaders.origin}: it needs a service token`);
      else if (bearer && this.serviceTokens.has(bearer)) finding('secret-in-browser', `a service token was used from the origin ${x.requestHeaders.origin} on ${route.operation}`);
    }

    switch (route.kind) {
      case 'anon-login':
        this.learn(field(x.json, 'access_token'), field(x.json, 'sessionId', 'session_id'), now);
        this.learn(field(x.json, 'refresh_token'), field(x.json, 'sessionId', 'session_id'), now);
        return out;
      case 'anon-refresh': {
        const old = new URL(x.url).searchParams.get('refresh_token') ?? undefined;
        const sessionId = field(x.json, 'sessionId', 'session_id') ?? (old ? this.tokens.get(old)?.sessionId : undefined);
        this.learn(field(x.json, 'access_token'), sessionId, now);
        this.learn(field(x.json, 'refresh_token'), sessionId, now);
        return out;
      }
      case 'customer-login': {
        const sessionId = field(x.json, 'session_id', 'sessionId') ?? (bearer ? this.tokens.get(bearer)?.sessionId : undefined);
        this.learn(field(x.json, 'access_token', 'accessToken'), sessionId, now);
        return out;
      }
      case 'service-token': {
        const token = field(x.json, 'access_token');
        if (token) this.serviceTokens.set(token, now);
        return out;
      }
      case 'other':
      case 'customer-logout':
      case 'cart-create':
        return out;
      default:
        break;
    }

    const key = this.sessionKey(x, route);
    if (!key || !bearer) return out;
    let session = this.sessions.get(key);
    if (!session) this.sessions.set(key, (session = { lastSeen: now, writes: new Map(), principals: new Map() }));
    session.lastSeen = now;
    let principal = session.principals.get(bearer);
    if (!principal) session.principals.set(bearer, (principal = { seen: new Set(), lastReadAt: 0 }));
    const body = x.requestBody;

    switch (route.kind) {
      case 'own-get':
      case 'mgmt-get': {
        if (x.status !== 200 || !isPlainObject(x.json)) return out;
        const context = isPlainObject(x.json.context) ? x.json.context : {};
        principal.seen = new Set(Object.keys(context));
        principal.lastReadAt = now;
        principal.refusedVersion = undefined;
        return out;
      }
      case 'own-patch':
      case 'mgmt-put': {
        const metadata = isPlainObject(body) ? body.metadata : undefined;
        const version = isPlainObject(metadata) ? metadata.version : undefined;
        if (!Number.isInteger(version)) {
          finding('write-without-version', `${route.operation} carries ${!isPlainObject(body) ? 'no JSON object' : !isPlainObject(metadata) ? 'no metadata' : version === undefined ? 'metadata without a version' : `metadata.version ${JSON.stringify(version).slice(0, 30)}`}`);
        }
        if (route.kind === 'own-patch' && isPlainObject(body)) {
          // The oracle's reading of the whitelist: what a PATCH applies, under the contract in force.
          const fields = Object.entries(body).filter(([k]) => k !== 'metadata');
          const e = expectPatch({ kind: 'object', fields, metadata: { kind: 'object', key: 'metadata', version: { kind: 'current' }, extra: {} } }, 'application/json', this.specVersion, { siteCode: [], currency: [], targetLocation: [], language: [] });
          const ignored = fields.map(([k]) => k).filter((k) => !(k in e.set) && !e.free.has(k) && !e.mustChange.has(k));
          if (ignored.length) finding('ignored-fields', `PATCH sends ${ignored.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}, outside the ${this.specVersion} whitelist: the server ignores ${ignored.length === 1 ? 'it' : 'them'}`);
        }
        if (Number.isInteger(version) && principal.refusedVersion === version && (x.status === 404 || x.status === 409)) {
          finding('stale-retry', `${route.operation} sends metadata.version ${version} again after it was refused, without reading the context in between`);
        }
        // A 404 is also the answer for a context not (yet) there: only one that names the version counts (§2).
        const versionRefusal = x.status === 409 || (x.status === 404 && /version/i.test(x.text));
        if (versionRefusal && Number.isInteger(version)) principal.refusedVersion = version as number;
        if (ok(x) && isPlainObject(body) && isPlainObject(body.context)) {
          const sent = body.context;
          const dropped = [...session.writes].filter(([name, at]) => at > principal.lastReadAt && !(name in sent)).map(([name]) => name);
          if (dropped.length) {
            finding('context-drops-attributes', `${route.operation} replaced the context map without ${dropped.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}, written after this client last read the context: ${dropped.length === 1 ? 'it is' : 'they are'} gone`);
          }
          session.writes = new Map(Object.keys(sent).map((n) => [n, now]));
          principal.seen = new Set(Object.keys(sent));
        }
        if (ok(x)) principal.refusedVersion = undefined;
        return out;
      }
      case 'own-attr-post':
      case 'mgmt-attr-post': {
        const name = isPlainObject(body) && typeof body.key === 'string' ? body.key : undefined;
        if (ok(x) && name !== undefined) {
          session.writes.set(name, now);
          principal.seen.add(name);
        }
        return out;
      }
      case 'own-attr-delete':
      case 'mgmt-attr-delete': {
        const name = route.attribute ?? '';
        if (!principal.seen.has(name) && !session.writes.has(name)) {
          finding('delete-unseen', `${route.operation} deletes ${JSON.stringify(name.slice(0, 40))}, a name this client never read or wrote on this session`);
        }
        if (ok(x)) {
          session.writes.delete(name);
          principal.seen.delete(name);
        }
        return out;
      }
      default:
        return out;
    }
  }
}
