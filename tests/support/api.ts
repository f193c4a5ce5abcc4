/**
 * The API client the suite talks through. Every call answers an Exchange (request and response together), so a
 * failing assertion can print both, redacted. It knows the Emporix paths, the retry policy (transport.ts) and the
 * checks every answer must pass (universal.ts); it knows nothing about the answers a test expects.
 */
import { redactHeaders, redactText, redactUrl, redactValue, registerSecret } from './redact.js';
import { describeOutcome, fetchOnce, mayRetry, retryDelay, type NetworkFailure, type RawResponse } from './transport.js';
import { checkExchange, isContextCreatingLogin, isSessionContextOperation, preview, type Violation } from './universal.js';
import type { SpecVersion } from './target.js';
import type { LedgerFinding, SessionLedger } from './ledger.js';

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  /** The bytes sent, when they were not JSON.stringify(requestBody) (malformed bodies, forms). */
  rawBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  text: string;
  /** Parsed JSON body; undefined when the body is empty or not JSON. */
  json: unknown;
  /** How many times it was sent (retries of transient answers included). */
  attempts?: number;
  /** Set by a matcher that failed on this exchange: the reproducer stops here. */
  failed?: boolean;
  /** Epoch ms when it was sent and when its answer was in: the session ledger tells overlapping writes apart by them. */
  startedAt?: number;
  endedAt?: number;
}

/** The request and response as text with every secret masked: what a failure prints. */
export function describeExchange(x: Exchange): string {
  const body =
    x.requestBody === undefined
      ? ''
      : `\n          ${typeof x.requestBody === 'string' ? redactText(x.requestBody) : JSON.stringify(redactValue(x.requestBody))}`;
  const response = x.json === undefined ? redactText(x.text) : JSON.stringify(redactValue(x.json), null, 2);
  const type = x.responseHeaders['content-type'];
  return [
    `request:  ${x.method} ${redactUrl(x.url)}`,
    `          ${JSON.stringify(redactHeaders(x.requestHeaders))}${body}`,
    `response: ${x.status}${type ? ` (${type})` : ''}${x.attempts && x.attempts > 1 ? ` after ${x.attempts} attempts` : ''}`,
    response ? response.split('\n').map((l) => `          ${l}`).join('\n') : '          (empty body)',
  ].join('\n');
}

export interface SendOptions {
  token?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | undefined> | [string, string][];
  /** A JSON value, or a raw string sent as it is (for malformed bodies). */
  json?: unknown;
  form?: Record<string, string>;
  /** Raw bytes with the content type given in `headers` (other content types). */
  raw?: string;
  /** Sending it twice changes nothing on the target, whatever the method (a client-credentials token request). */
  retrySafe?: boolean;
}

export interface ApiOptions {
  baseURL: string;
  tenant: string;
  specVersion: SpecVersion;
  /** Extra attempts for transient answers (429, 502, 503, 504, network failures); see transport.ts. */
  retries: number;
  /** Per attempt; well below the test timeout, so a silent target makes a test inconclusive, not a timeout. */
  timeoutMs: number;
  /** Longest wait between attempts, whatever Retry-After says. */
  retryCapMs: number;
}

/** How the client reports to the running test; the defaults (scripts, self tests) just throw. */
export interface ApiHooks {
  step<T>(title: string, body: () => Promise<T>): Promise<T>;
  /** The answer says nothing about conformance (rate limit, gateway, network): the test is not judged. */
  inconclusive(reason: string): never;
  /** An answer broke a check that holds for every exchange (SC-HTTP-01..05). */
  violation(violations: Violation[], x: Exchange): never;
  /** A read showed a wrong effect of the writes before it (the session ledger, ledger.ts). */
  finding?(findings: LedgerFinding[], x: Exchange): never;
}

export class InconclusiveError extends Error {}

export const plainHooks: ApiHooks = {
  step: (_title, body) => body(),
  inconclusive: (reason) => {
    throw new InconclusiveError(`inconclusive: ${reason}`);
  },
  violation: (violations, x) => {
    throw new Error(`${violations.map((v) => `${v.requirement}: ${v.text}`).join('\n')}\n\n${describeExchange(x)}`);
  },
  finding: (findings) => {
    throw new Error(describeFindings(findings));
  },
};

/** Ledger findings as a failure prints them: each requirement and what the read shows, then the exchanges, redacted. */
export function describeFindings(findings: LedgerFinding[]): string {
  const exchanges = [...new Set(findings.flatMap((f) => f.exchanges))];
  return [
    ...findings.map((f) => `${f.requirement} violated: ${redactText(f.text)}`),
    '',
    'exchanges (the read it was known from, the writes since, the read that shows it):',
    ...exchanges.map((x, i) => `${i + 1}. ${describeExchange(x).split('\n').join('\n   ')}`),
  ].join('\n');
}

const KEEP = 400;

export class Api {
  /** Every exchange of the test, oldest first (the last KEEP): the reproducer replays them. */
  readonly exchanges: Exchange[] = [];
  /** Set while cleaning up: answers are returned as they are, nothing is judged. */
  lenient = false;
  /** HTTP requests sent, retries included. */
  requests = 0;
  /** Index in `exchanges` where cleanup began: a reproducer stops before it. */
  cleanupFrom?: number;
  /** Judges every exchange's effect against the reads around it (ledger.ts); cleanup feeds it too, unjudged. */
  ledger?: SessionLedger;
  /** One promise per request not yet answered (its retries included), settled either way. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Every session id a management write named (`/context/{sessionId}…` of this tenant), tracked by the test or not. */
  readonly managedWrites = new Set<string>();

  constructor(
    readonly options: ApiOptions,
    private readonly hooks: ApiHooks = plainHooks,
  ) {}

  get tenant(): string {
    return this.options.tenant;
  }

  url(path: string, query?: SendOptions['query']): string {
    const u = new URL(path.replace(/^\//, ''), this.options.baseURL.replace(/\/?$/, '/'));
    const pairs = Array.isArray(query) ? query : Object.entries(query ?? {});
    for (const [k, v] of pairs) if (v !== undefined) u.searchParams.append(k, v);
    return u.toString();
  }

  /** `path` is used verbatim (already percent-encoded where needed). */
  send(method: string, path: string, opts: SendOptions = {}): Promise<Exchange> {
    const managed = method !== 'GET' && method !== 'HEAD' ? /^\/?session-context\/([^/]+)\/context\/([^/?#]+)/.exec(path) : null;
    if (managed && managed[1] === this.tenant) {
      try {
        const id = decodeURIComponent(managed[2]);
        if (id !== '.' && id !== '..') this.managedWrites.add(id);
      } catch {
        // Not a percent-encoding a session id can have: the write cannot have reached a session.
      }
    }
    const sent = this.sendNow(method, path, opts);
    const done = sent.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    return sent;
  }

  /**
   * Waits until no request is in flight or `capMs` has passed; answers how many still are. A test that stops at one
   * request's failure leaves the requests sent beside it running (Promise.all rejects at the first), retries and
   * backoff included; a write of theirs that lands after cleanup has read the session would stay behind (a PUT that
   * carries the map it read puts back what cleanup deleted).
   */
  async settle(capMs: number): Promise<number> {
    const until = Date.now() + capMs;
    while (this.inFlight.size && Date.now() < until) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.inFlight), new Promise((r) => (timer = setTimeout(r, until - Date.now())))]);
      clearTimeout(timer);
    }
    return this.inFlight.size;
  }

  private async sendNow(method: string, path: string, opts: SendOptions): Promise<Exchange> {
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    let body: Buffer | undefined;
    let rawBody: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = Buffer.from(typeof opts.json === 'string' ? opts.json : JSON.stringify(opts.json));
      if (typeof opts.json === 'string') rawBody = opts.json;
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      rawBody = new URLSearchParams(opts.form).toString();
      body = Buffer.from(rawBody);
    } else if (opts.raw !== undefined) {
      rawBody = opts.raw;
      body = Buffer.from(opts.raw);
    }
    const url = this.url(path, opts.query);
    const title = `${method} ${redactUrl(url).replace(/^https?:\/\/[^/]+/, '')}`;
    // The same object is announced to the ledger now and completed below: a read that ends while it is in flight is not judged.
    const pending = { method, url, requestHeaders: headers, startedAt: Date.now() };
    this.ledger?.begin(pending);
    const outcome = await this.hooks.step(title, () => this.attempt(opts.retrySafe ? 'GET' : method, url, headers, body, method));
    const { last, attempts } = outcome;
    const exchange: Exchange = Object.assign(pending, {
      method,
      url,
      requestHeaders: headers,
      requestBody: opts.json ?? opts.form ?? opts.raw,
      rawBody,
      status: 'network' in last ? 0 : last.status,
      responseHeaders: 'network' in last ? {} : last.headers,
      text: 'network' in last ? '' : last.text,
      json: undefined,
      attempts,
      endedAt: Date.now(),
    });
    if (exchange.text.length) {
      try {
        exchange.json = JSON.parse(exchange.text);
      } catch {
        exchange.json = undefined;
      }
    }
    this.remember(exchange);
    const findings = this.ledger?.observe(exchange) ?? [];
    if (this.lenient) return exchange;
    const what = `${method} ${redactUrl(url).replace(/^https?:\/\/[^/]+/, '')}`;
    if ('network' in last) this.hooks.inconclusive(`${describeOutcome(last)} on ${what}${attempts > 1 ? ` (${attempts} attempts)` : ''}`);
    // A 5xx of a neighbour makes the test inconclusive; of a Session Context operation, or of the anonymous login that
    // creates a context from session-context parameters (2026-04), it is judged (SC-HTTP-01).
    const sc = isSessionContextOperation(exchange) || isContextCreatingLogin(exchange, this.options.specVersion);
    const persisted = [429, 502, 503, 504].includes(exchange.status) || (!sc && exchange.status >= 500);
    if (persisted) {
      this.hooks.inconclusive(`${describeOutcome(last)} persisted on ${what} after ${attempts} attempt${attempts > 1 ? 's' : ''}${exchange.text ? `: ${preview(redactText(exchange.text))}` : ''}`);
    }
    const violations = checkExchange(exchange, this.options.specVersion);
    if (violations.length) this.hooks.violation(violations, exchange);
    if (findings.length) (this.hooks.finding ?? plainHooks.finding!)(findings, exchange);
    return exchange;
  }

  /** `policy`: the method whose retry rules apply (GET for a request that is safe to repeat). */
  private async attempt(policy: string, url: string, headers: Record<string, string>, body: Buffer | undefined, method: string) {
    let last: RawResponse | NetworkFailure = { network: 'not sent' };
    let attempts = 0;
    // Cleanup insists more than a test: what it gives up on stays behind on the tenant.
    const retries = this.lenient ? Math.max(this.options.retries, 8) : this.options.retries;
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      attempts = attempt;
      this.requests++;
      last = await fetchOnce(url, { method, headers, body }, this.options.timeoutMs);
      if (!mayRetry(policy, last) || attempt > retries) break;
      await new Promise((r) => setTimeout(r, retryDelay(last, attempt, this.options.retryCapMs)));
    }
    return { last, attempts };
  }

  private remember(x: Exchange): void {
    this.exchanges.push(x);
    if (this.exchanges.length > KEEP) this.exchanges.shift();
    const json = x.json as Record<string, unknown> | undefined;
    if (json && typeof json === 'object') {
      for (const key of ['access_token', 'refresh_token', 'saas_token', 'accessToken', 'refreshToken', 'saasToken']) registerSecret(json[key]);
    }
  }

  // ------------------------------------------------------------------ neighbours: tokens, sites, customers, carts

  anonymousLogin(clientId: string, params: Record<string, string | undefined> = {}, tenant = this.tenant) {
    return this.send('GET', '/customerlogin/auth/anonymous/login', { query: { tenant, client_id: clientId, ...params } });
  }

  anonymousRefresh(clientId: string, refreshToken: string) {
    return this.send('GET', '/customerlogin/auth/anonymous/refresh', {
      query: { tenant: this.tenant, client_id: clientId, refresh_token: refreshToken },
    });
  }

  customerLogin(anonymousToken: string, email: string, password: string) {
    return this.send('POST', `/customer/${this.tenant}/login`, { token: anonymousToken, json: { email, password } });
  }

  customerLogout(customerToken: string) {
    return this.send('GET', `/customer/${this.tenant}/logout`, { token: customerToken, query: { accessToken: customerToken } });
  }

  customerMe(token: string) {
    return this.send('GET', `/customer/${this.tenant}/me`, { token, query: { expand: 'addresses' } });
  }

  serviceToken(clientId: string, clientSecret: string, scope?: string) {
    const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
    if (scope) form.scope = scope;
    // Another token for the same client changes nothing on the target: safe to send again after a reset.
    return this.send('POST', '/oauth/token', { form, retrySafe: true });
  }

  sites(token: string) {
    return this.send('GET', `/site/${this.tenant}/sites`, { token });
  }

  createCart(token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    return this.send('POST', `/cart/${this.tenant}/carts`, { token, json: body, headers });
  }

  deleteCart(token: string, cartId: string) {
    return this.send('DELETE', `/cart/${this.tenant}/carts/${encodeURIComponent(cartId)}`, { token });
  }

  // ------------------------------------------------------------------ Session Context Service

  /** `tenantSegment` is placed in the path as given: tenant-validation cases pass pre-encoded names. */
  getOwnContext(token: string | undefined, tenantSegment = this.tenant, headers?: Record<string, string>) {
    return this.send('GET', `/session-context/${tenantSegment}/me/context`, { token, headers });
  }

  patchOwnContext(token: string, body: unknown, tenantSegment = this.tenant) {
    return this.send('PATCH', `/session-context/${tenantSegment}/me/context`, { token, json: body });
  }

  addOwnAttribute(token: string, body: unknown) {
    return this.send('POST', `/session-context/${this.tenant}/me/context/attributes`, { token, json: body });
  }

  deleteOwnAttribute(token: string, encodedName: string) {
    return this.send('DELETE', `/session-context/${this.tenant}/me/context/attributes/${encodedName}`, { token });
  }

  getContext(token: string | undefined, sessionId: string, tenantSegment = this.tenant) {
    return this.send('GET', `/session-context/${tenantSegment}/context/${encodeURIComponent(sessionId)}`, { token });
  }

  putContext(token: string, sessionId: string, body: unknown, opts: { upsert?: boolean; saasToken?: string } = {}) {
    const headers: Record<string, string> = {};
    if (opts.saasToken) headers['saas-token'] = opts.saasToken;
    return this.send('PUT', `/session-context/${this.tenant}/context/${encodeURIComponent(sessionId)}`, {
      token,
      json: body,
      headers,
      query: { upsert: opts.upsert ? 'true' : undefined },
    });
  }

  addAttribute(token: string, sessionId: string, body: unknown) {
    return this.send('POST', `/session-context/${this.tenant}/context/${encodeURIComponent(sessionId)}/attributes`, { token, json: body });
  }

  deleteAttribute(token: string, sessionId: string, encodedName: string) {
    return this.send('DELETE', `/session-context/${this.tenant}/context/${encodeURIComponent(sessionId)}/attributes/${encodedName}`, { token });
  }
}
