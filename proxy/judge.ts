/**
 * Judges every exchange the proxy forwarded, after it was delivered. The API side reuses the suite's own checks:
 * the universal checks (tests/support/universal.ts, SC-HTTP-01..05, the response schemas among them) on every
 * Session Context answer, and the session ledger (tests/support/ledger.ts) for the documented effect of writes
 * seen through later reads. The client side is proxy/client.ts. Findings keep their evidence as redacted text, at
 * most a few per requirement or kind, so memory stays bounded however long the proxy runs.
 */
import { describeExchange, type Exchange } from '../tests/support/api.js';
import { isSecretName, redactText, registerSecret } from '../tests/support/redact.js';
import { checkExchange, isContextCreatingLogin, isSessionContextOperation } from '../tests/support/universal.js';
import { depthOf } from '../tests/support/model/oracle.js';
import type { SpecVersion } from '../tests/support/target.js';
import { ClientJudge, CLIENT_RULES, type ClientFindingKind } from './client.js';
import { ConcurrencyJudge } from './concurrency.js';
import { checkRefusal } from './refusals.js';
import { AccessJudge } from './access.js';
import { routeOf } from './routes.js';
import type { TimedExchange } from './server.js';

/** The ledger's interface (tests/support/ledger.ts), as the proxy uses it. */
export interface LedgerLike {
  begin?(x: Exchange): void;
  observe(x: Exchange): { requirement: string; text: string; exchanges: Exchange[] }[];
  expire(idleMs: number, now?: number): void;
  readonly size: number;
}

export interface Finding {
  side: 'api' | 'client';
  /** A requirement ID (API) or a client finding kind. */
  id: string;
  operation: string;
  text: string;
  /** The redacted exchange(s). */
  evidence: string;
  at: string;
}

/** Evidence kept per requirement or kind; the rest is counted. */
const KEEP = 10;

interface Tally {
  count: number;
  examples: Finding[];
}

export interface JudgeOptions {
  specVersion: SpecVersion;
  ledger?: LedgerLike;
  onFinding?: (f: Finding) => void;
}

/** Every secret an exchange carries, by name: headers, query parameters, form fields, JSON fields (any depth). */
export function secretsOf(x: Exchange): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(x.requestHeaders)) {
    if (!isSecretName(name)) continue;
    out.push(value.replace(/^bearer\s+/i, ''), value);
  }
  try {
    for (const [k, v] of new URL(x.url).searchParams) if (isSecretName(k)) out.push(v);
  } catch {
    // not a URL: nothing in a query
  }
  if (typeof x.requestBody === 'string') {
    for (const [k, v] of new URLSearchParams(x.requestBody)) if (isSecretName(k)) out.push(v);
  }
  const walk = (v: unknown, depth: number) => {
    if (depth > 8 || !v || typeof v !== 'object') return;
    for (const [k, inner] of Object.entries(v)) {
      if (isSecretName(k) && typeof inner === 'string') out.push(inner);
      else walk(inner, depth + 1);
    }
  };
  walk(x.requestBody, 0);
  walk(x.json, 0);
  return out.filter((s) => s.length >= 6);
}

const EVIDENCE_CHARS = 4000;

/** Bodies as a report can hold them: long or deeply nested ones as the start of their text. */
function presentable(x: Exchange): Exchange {
  const shorten = (text: string) => (text.length > EVIDENCE_CHARS ? `${text.slice(0, EVIDENCE_CHARS)}… (${text.length} characters)` : text);
  const sent = x.rawBody ?? (typeof x.requestBody === 'string' ? x.requestBody : undefined);
  const big = (text: string | undefined) => text !== undefined && (text.length > EVIDENCE_CHARS || depthOf(text) > 32);
  return {
    ...x,
    ...(big(sent) ? { requestBody: shorten(sent!), rawBody: undefined } : {}),
    ...(big(x.text) ? { text: shorten(x.text), json: undefined } : {}),
  };
}

/** The exchange as a report shows it: every secret it carries is registered with the redactor first. */
export function evidenceOf(exchanges: Exchange[]): string {
  for (const x of exchanges) for (const s of secretsOf(x)) registerSecret(s);
  return exchanges.map((x) => describeExchange(presentable(x))).join('\n\n');
}

/**
 * The shape requirement of one operation that a universal violation also breaks: SC-HTTP-03 on a GET is SC-SCHEMA-01
 * or -02; SC-HTTP-04 accepts more than SC-SCHEMA-03 (404) and SC-SCHEMA-04 (401) do, so failing it fails them.
 */
function specificOf(requirement: string, kind: string, status: number): string | undefined {
  if (requirement === 'SC-HTTP-03' && kind === 'own-get') return 'SC-SCHEMA-01';
  if (requirement === 'SC-HTTP-03' && kind === 'mgmt-get') return 'SC-SCHEMA-02';
  if (requirement === 'SC-HTTP-04' && status === 404) return 'SC-SCHEMA-03';
  if (requirement === 'SC-HTTP-04' && status === 401) return 'SC-SCHEMA-04';
  return undefined;
}

export class TrafficJudge {
  readonly startedAt = new Date();
  exchanges = 0;
  judged = 0;
  notJudged = { truncated: 0, proxyErrors: 0, gateway: 0 };
  /** Session Context exchanges per operation, and the universal violations found on each. */
  readonly operations = new Map<string, { exchanges: number; violations: Map<string, Tally> }>();
  /** Findings per requirement of the ledger, the concurrent-writes check and the one-exchange refusal rules. */
  readonly ledgerFindings = new Map<string, Tally>();
  readonly clientFindings = new Map<ClientFindingKind, Tally>();
  readonly tenants = new Set<string>();
  private readonly client: ClientJudge;
  readonly concurrency = new ConcurrencyJudge();
  readonly access = new AccessJudge();

  constructor(private readonly o: JudgeOptions) {
    this.client = new ClientJudge(o.specVersion);
  }

  get sessions(): number {
    return Math.max(this.client.size, this.o.ledger?.size ?? 0);
  }

  get hasLedger(): boolean {
    return !!this.o.ledger;
  }

  expire(idleMs: number, now = Date.now()): void {
    this.client.expire(idleMs, now);
    this.concurrency.expire(idleMs, now);
    this.access.expire(idleMs, now);
    this.o.ledger?.expire(idleMs, now);
  }

  /** A request arrived (its answer has not): the ledger learns that a write on its session is in flight. */
  begin(x: TimedExchange): void {
    this.o.ledger?.begin?.(x);
  }

  private add(tallies: Map<string, Tally>, f: Finding): void {
    // The evidence registered the exchange's secrets; a text that quotes one is masked as well.
    f.text = redactText(f.text);
    let t = tallies.get(f.id);
    if (!t) tallies.set(f.id, (t = { count: 0, examples: [] }));
    t.count++;
    if (t.examples.length < KEEP) t.examples.push(f);
    this.o.onFinding?.(f);
  }

  observe(x: TimedExchange): void {
    this.exchanges++;
    if (x.proxyError || x.truncated) {
      if (x.proxyError) this.notJudged.proxyErrors++;
      else this.notJudged.truncated++;
      // Not judged, but the ledger must learn that a write may have landed unseen: an answer that says nothing.
      x.status = 0;
      this.o.ledger?.observe(x);
      return;
    }
    this.judged++;
    const route = routeOf(x.method, x.url);
    const at = new Date(x.endedAt).toISOString();
    // The Session Context operations, and the anonymous login that creates a context from session-context
    // parameters (2026-04): the exchanges the universal checks judge (tests/support/universal.ts).
    if (isSessionContextOperation(x) || isContextCreatingLogin(x, this.o.specVersion)) {
      // The tenant(s) the traffic was for: those the service answered for, not every segment a client tried.
      if (route.tenant && x.status >= 200 && x.status < 300 && this.tenants.size < 5) this.tenants.add(route.tenant);
      // 502, 503, 504 and 429 are the gateway's, not the service's: the suite makes such a test inconclusive.
      if ([429, 502, 503, 504].includes(x.status)) this.notJudged.gateway++;
      else {
        // Another method on an operation's path (HEAD, OPTIONS, a wrong one): one key per path template, so that the
        // table stays as small as the API.
        const template = () =>
          new URL(x.url).pathname
            .replace(/^(\/session-context\/)[^/]+/, '$1{tenant}')
            .replace(/^(\/session-context\/\{tenant\}\/context\/)[^/]+/, '$1{sessionId}')
            .replace(/\/attributes\/[^/]+$/, '/attributes/{attributeName}');
        const operation = route.kind === 'other' ? `${x.method.slice(0, 10)} ${template()}` : route.operation;
        let op = this.operations.get(operation);
        if (!op) this.operations.set(operation, (op = { exchanges: 0, violations: new Map() }));
        op.exchanges++;
        for (const v of checkExchange(x, this.o.specVersion)) {
          this.add(op.violations, { side: 'api', id: v.requirement, operation, text: v.text, evidence: evidenceOf([x]), at });
          // The universal check is the lenient reading; failing it fails the operation's own shape requirement too.
          const specific = specificOf(v.requirement, route.kind, x.status);
          if (specific) this.add(this.ledgerFindings, { side: 'api', id: specific, operation, text: v.text, evidence: evidenceOf([x]), at });
        }
        for (const f of checkRefusal(x, this.o.specVersion)) {
          this.add(this.ledgerFindings, { side: 'api', id: f.requirement, operation, text: f.text, evidence: evidenceOf([x]), at });
        }
      }
    }
    for (const f of this.access.observe(x)) {
      this.add(this.ledgerFindings, { side: 'api', id: f.requirement, operation: route.operation, text: f.text, evidence: evidenceOf([x]), at });
    }
    for (const f of this.concurrency.observe(x)) {
      this.add(this.ledgerFindings, { side: 'api', id: f.requirement, operation: route.operation, text: f.text, evidence: evidenceOf(f.exchanges), at });
    }
    if (this.o.ledger) {
      for (const f of this.o.ledger.observe(x)) {
        this.add(this.ledgerFindings, { side: 'api', id: f.requirement, operation: route.operation, text: f.text, evidence: evidenceOf(f.exchanges), at });
      }
    }
    for (const f of this.client.observe(x)) {
      this.add(this.clientFindings as Map<string, Tally>, { side: 'client', id: f.kind, operation: route.operation, text: f.text, evidence: evidenceOf([f.exchange]), at });
    }
  }

  /** Every API finding's requirement, for the self tests. */
  apiRequirements(): string[] {
    const ids = new Set<string>();
    for (const op of this.operations.values()) for (const id of op.violations.keys()) ids.add(id);
    for (const id of this.ledgerFindings.keys()) ids.add(id);
    return [...ids].sort();
  }
}

export { CLIENT_RULES };
