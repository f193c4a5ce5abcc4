/**
 * Sessions made through the real flows (anonymous login, cart creation, customer login), with cleanup of
 * everything the test created. Nothing here reaches into the mock.
 */
import { test } from '@playwright/test';
import { describeExchange, type Api, type Exchange } from './api.js';
import { expect } from './matchers.js';
import type { TargetConfig } from './target.js';
import { redactText, registerSecret } from './redact.js';
import { preview } from './universal.js';
import { defaultSiteOf, type Site } from './sites.js';
import { record } from './requirements.js';

export interface SessionContext {
  sessionId: string;
  customerId?: string;
  siteCode?: string;
  currency?: string;
  cartId?: string;
  targetLocation?: string;
  language?: string;
  context?: Record<string, unknown>;
  metadata: { version: number; createdAt?: string; modifiedAt?: string };
  [k: string]: unknown;
}

export interface AnonymousSession {
  token: string;
  refreshToken: string;
  sessionId: string;
  login: Exchange;
}

export interface ContextSession extends AnonymousSession {
  cartId: string;
}

/** A session whose context a management PUT writes to; `saasToken` only where it is a logged-in customer's. */
export interface PutSession {
  token: string;
  sessionId: string;
  /** The cart made for the session before it logged in, if any (an anonymous session's own cart). */
  cartId?: string;
  saasToken?: string;
  customer: boolean;
}

export interface CustomerSession {
  token: string;
  saasToken: string;
  sessionId: string;
  anonymous: AnonymousSession;
  login: Exchange;
}

/** The JSON body of an answer the test relies on; anything else is reported as what it is. */
export function jsonBody<T>(x: Exchange, what: string): T {
  if (x.json === undefined) {
    const type = x.responseHeaders['content-type'] ?? 'no content type';
    throw new Error(`${what}: expected JSON, got ${type}: ${preview(redactText(x.text)) || '(empty body)'}\n\n${describeExchange(x)}`);
  }
  return x.json as T;
}

/**
 * Whether `res` is the target's answer to a question the documents leave open (BEHAVIOUR.md §8): a management PUT
 * sent without `saas-token` to a context that is not a logged-in customer's, refused with a 4xx whose message names
 * `saas-token`. The PUT's header is "only required if the session context belongs to a logged-in customer", yet the
 * live API refused an anonymous upsert with "Required Header [saas-token]" before it looked at the body (§2). A
 * target may do either, so such a refusal is no failure; like every refusal it must change nothing. Each one is
 * recorded, once per test, as an observed answer. For a customer's context (`customer`) nothing is open: the
 * header is documented as required there, so this never answers true for it.
 */
export function saasTokenDemanded(res: Exchange, customer: boolean): boolean {
  if (customer || res.method !== 'PUT' || res.status < 400 || res.status >= 500) return false;
  if (Object.entries(res.requestHeaders).some(([k, v]) => k.toLowerCase() === 'saas-token' && v !== '')) return false;
  if (!/saas-token/i.test(res.text)) return false;
  const message = (res.json as { message?: unknown } | undefined)?.message;
  const what = `PUT without saas-token on a context not a customer's: ${res.status} ${JSON.stringify(preview(redactText(typeof message === 'string' ? message : res.text)))} (open, BEHAVIOUR.md §8)`;
  try {
    const info = test.info();
    if (!info.annotations.some((a) => a.type === 'observed' && a.description === what)) record(info, what);
  } catch {
    // Outside a running test (a script reusing the support code): nothing to record on.
  }
  return true;
}

interface TrackedSession {
  sessionId: string;
  /** Tokens that read this session's own context, newest first; a logged-out one is dropped. */
  tokens: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Flows {
  private readonly carts: { token: string; cartId: string }[] = [];
  private readonly customers: string[] = [];
  /** Every session the test made or wrote to: cleanup removes the attributes written to them. */
  private readonly sessions = new Map<string, TrackedSession>();
  private serviceTokenValue?: string;

  constructor(
    readonly api: Api,
    readonly target: TargetConfig,
  ) {}

  get specVersion() {
    return this.target.specVersion;
  }

  private track(sessionId: string | undefined, token?: string): void {
    if (!sessionId) return;
    const s = this.sessions.get(sessionId) ?? { sessionId, tokens: [] };
    if (token && !s.tokens.includes(token)) s.tokens.unshift(token);
    this.sessions.set(sessionId, s);
  }

  /** A session id the management endpoints wrote to (PUT with upsert, say): cleanup covers it too. */
  trackSession(sessionId: string): void {
    this.track(sessionId);
  }

  async anonymous(params: Record<string, string | undefined> = {}): Promise<AnonymousSession> {
    const login = await this.api.anonymousLogin(this.target.storefrontClientId, params);
    expect(login, 'anonymous login').toHaveStatus(200);
    const body = jsonBody<Record<string, string>>(login, 'anonymous login');
    // One live client reads session_id instead of sessionId (BEHAVIOUR.md §4): accept either.
    const sessionId = body.sessionId ?? body.session_id;
    expect(sessionId, 'anonymous login answers a session id').toBeTruthy();
    this.track(sessionId, body.access_token);
    return { token: body.access_token, refreshToken: body.refresh_token, sessionId, login };
  }

  async createCart(token: string, extra: Record<string, unknown> = {}): Promise<string> {
    const sites = await this.sites(token);
    const site = defaultSiteOf(sites);
    const res = await this.api.createCart(token, { siteCode: site?.code ?? 'main', currency: site?.currency ?? 'EUR', type: 'shopping', ...extra });
    expect(res, 'cart creation').toHaveStatus(201);
    const cartId = jsonBody<{ cartId: string }>(res, 'cart creation').cartId;
    this.carts.push({ token, cartId });
    return cartId;
  }

  /** An anonymous session whose context certainly exists: a cart has been created for it. */
  async withContext(params: Record<string, string | undefined> = {}): Promise<ContextSession> {
    const session = await this.anonymous(params);
    const cartId = await this.createCart(session.token);
    await this.waitForContext(session.token);
    return { ...session, cartId };
  }

  /**
   * Reads until `done` holds or CONFORMANCE_PROPAGATION_MS has passed: a context the suite has just made exist may
   * stay invisible for a while on a live tenant (BEHAVIOUR.md §3). The last answer is returned either way, so a
   * lost write still fails, only later.
   */
  async poll(read: () => Promise<Exchange>, done: (x: Exchange) => boolean): Promise<Exchange> {
    const until = Date.now() + this.target.propagationMs;
    let res = await read();
    for (let wait = 100; !done(res) && Date.now() < until; wait = Math.min(wait * 2, 1000)) {
      await sleep(Math.min(wait, Math.max(0, until - Date.now())));
      res = await read();
    }
    return res;
  }

  /**
   * The one way the suite concludes that a context is absent: a read's 404 counts only once it has lasted the whole
   * CONFORMANCE_PROPAGATION_MS (a context made a moment ago, at login, cart or upsert, may stay invisible for a while,
   * BEHAVIOUR.md §3). Answers the first read that is not a 404, or the last 404.
   */
  async settled(read: () => Promise<Exchange>): Promise<Exchange> {
    return this.poll(read, (x) => x.status !== 404);
  }

  async waitForContext(token: string): Promise<Exchange> {
    const res = await this.settled(() => this.api.getOwnContext(token));
    expect(res, 'the context exists once a cart exists').toHaveStatus(200);
    return res;
  }

  /** Whether the session has no context: only a 404 that lasts the whole propagation bound says so. */
  async contextAbsent(token: string): Promise<{ absent: boolean; res: Exchange }> {
    const res = await this.settled(() => this.api.getOwnContext(token));
    return { absent: res.status === 404, res };
  }

  async context(token: string): Promise<SessionContext> {
    const res = await this.settled(() => this.api.getOwnContext(token));
    expect(res, 'GET own context').toHaveStatus(200);
    return jsonBody<SessionContext>(res, 'GET own context');
  }

  /** The management view of a session whose context exists. */
  async managedContext(sessionId: string): Promise<SessionContext> {
    const service = await this.serviceToken();
    const res = await this.settled(() => this.api.getContext(service, sessionId));
    expect(res, 'management GET').toHaveStatus(200);
    return jsonBody<SessionContext>(res, 'management GET');
  }

  async sites(token: string): Promise<Site[]> {
    const res = await this.api.sites(token);
    expect(res, 'site list').toHaveStatus(200);
    const sites = jsonBody<Site[]>(res, 'site list');
    expect(Array.isArray(sites), 'the site list is an array').toBe(true);
    return sites;
  }

  requireCustomer(): { email: string; password: string } {
    test.skip(!this.target.customer, 'EMPORIX_CUSTOMER_EMAIL and EMPORIX_CUSTOMER_PASSWORD are not set: no test customer to log in');
    return this.target.customer!;
  }

  /** Logs a customer in with an anonymous session's token, as a storefront does. */
  async customer(credentials = this.requireCustomer(), anonymous?: AnonymousSession): Promise<CustomerSession> {
    const anon = anonymous ?? (await this.anonymous());
    registerSecret(credentials.password);
    const login = await this.api.customerLogin(anon.token, credentials.email, credentials.password);
    expect(login, 'customer login').toHaveStatus(200);
    const body = jsonBody<Record<string, string>>(login, 'customer login');
    // snake_case since 2025-06-05; the older camelCase names may still appear (BEHAVIOUR.md §4).
    const token = body.access_token ?? body.accessToken;
    const saasToken = body.saas_token ?? body.saasToken;
    registerSecret(token);
    registerSecret(saasToken);
    this.customers.push(token);
    const sessionId = body.session_id ?? body.sessionId;
    this.track(sessionId ?? anon.sessionId, token);
    return { token, saasToken, sessionId, anonymous: anon, login };
  }

  /**
   * For a test whose anonymous PUT got the open refusal (saasTokenDemanded): the requirement it verifies holds for a
   * logged-in customer's context too, where the saas-token is documented, so the test carries on with the test
   * customer's context and its saas-token. Without a test customer the test is skipped, naming why.
   */
  async customerForPut(): Promise<PutSession> {
    test.skip(
      !this.target.customer,
      "the target refuses a management PUT without saas-token on an anonymous context (open, BEHAVIOUR.md §8), and EMPORIX_CUSTOMER_EMAIL and EMPORIX_CUSTOMER_PASSWORD are not set: no customer's context to run the PUT on with its saas-token",
    );
    const anonymous = await this.withContext();
    const customer = await this.customer(this.target.customer!, anonymous);
    return { token: customer.token, sessionId: customer.sessionId ?? anonymous.sessionId, saasToken: customer.saasToken, customer: true };
  }

  requireService(): NonNullable<TargetConfig['service']> {
    test.skip(!this.target.service, 'EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set: no service client for the management endpoints');
    return this.target.service!;
  }

  /** A service token with `sessioncontext.context_manage`. */
  async serviceToken(): Promise<string> {
    if (this.serviceTokenValue) return this.serviceTokenValue;
    const { clientId, clientSecret } = this.requireService();
    this.serviceTokenValue = await this.tokenFor(clientId, clientSecret, 'service token');
    return this.serviceTokenValue;
  }

  /** A service token of the client without `sessioncontext.context_manage` (EMPORIX_LIMITED_CLIENT_ID). */
  async limitedServiceToken(): Promise<string> {
    const limited = this.target.limitedService;
    test.skip(!limited, 'EMPORIX_LIMITED_CLIENT_ID and EMPORIX_LIMITED_CLIENT_SECRET are not set: no service client without sessioncontext.context_manage');
    return this.tokenFor(limited!.clientId, limited!.clientSecret, 'service token without the scope');
  }

  private async tokenFor(clientId: string, clientSecret: string, what: string): Promise<string> {
    registerSecret(clientSecret);
    const res = await this.api.serviceToken(clientId, clientSecret);
    expect(res, what).toHaveStatus(200);
    const token = jsonBody<{ access_token: string }>(res, what).access_token;
    registerSecret(token);
    return token;
  }

  /** Asserts that a rejected request left the context exactly as it was. */
  async expectUnchanged(token: string, before: SessionContext, what: string): Promise<void> {
    const after = await this.context(token);
    expect(after, `${what} must change nothing`).toEqual(before);
  }

  /** Marks a customer token as already logged out, so cleanup leaves it alone. */
  forgetCustomer(token: string): void {
    const i = this.customers.indexOf(token);
    if (i >= 0) this.customers.splice(i, 1);
    for (const s of this.sessions.values()) s.tokens = s.tokens.filter((t) => t !== token);
  }

  /**
   * Leaves nothing behind, whatever state the test stopped in: attributes written to the test's sessions are
   * deleted, carts deleted, customers logged out. Nothing here judges the target; it answers what it could not undo.
   */
  async cleanup(): Promise<string[]> {
    this.api.lenient = true;
    const left: string[] = [];
    // A write still in flight when the test stopped (sent beside the one that failed) would land after the reads below.
    const { retries, timeoutMs, retryCapMs } = this.api.options;
    const cap = (retries + 1) * timeoutMs + retries * retryCapMs;
    const running = await this.api.settle(cap);
    if (running) left.push(`${running} request(s) still unanswered after ${cap} ms: what they write may land after this cleanup`);
    this.api.cleanupFrom ??= this.api.exchanges.length;
    // A session a management write named is covered even where the test never tracked it (an upsert on a new id).
    for (const sessionId of this.api.managedWrites) this.track(sessionId);
    for (const session of this.sessions.values()) {
      const remaining = await this.clearAttributes(session).catch(() => ['(cleanup failed)']);
      if (remaining.length) left.push(`session ${session.sessionId} keeps attribute(s) ${remaining.join(', ')}`);
    }
    for (const { token, cartId } of this.carts.splice(0)) {
      const res = await this.api.deleteCart(token, cartId).catch(() => undefined);
      if (!res || res.status >= 300) left.push(`cart ${cartId} not deleted (${res?.status ?? 'no answer'})`);
    }
    for (const token of this.customers.splice(0)) {
      const res = await this.api.customerLogout(token).catch(() => undefined);
      if (!res || res.status >= 300) left.push(`a customer session not logged out (${res?.status ?? 'no answer'})`);
    }
    return left;
  }

  /** Deletes each attribute by name (own token first, then the management endpoints); answers what is left. */
  private async clearAttributes(session: TrackedSession): Promise<string[]> {
    const service = this.target.service ? await this.serviceToken().catch(() => undefined) : undefined;
    // Only a 404 says the session has nothing; any other answer leaves its attributes unknown, and unknown is reported.
    const unread: string[] = [];
    const read = async (): Promise<Record<string, unknown> | undefined> => {
      unread.length = 0;
      const answers: Exchange[] = [];
      for (const token of session.tokens) {
        const res = await this.api.getOwnContext(token);
        if (res.status === 200) return ((res.json as SessionContext | undefined)?.context ?? {}) as Record<string, unknown>;
        answers.push(res);
      }
      if (service) {
        const res = await this.api.getContext(service, session.sessionId);
        if (res.status === 200) return ((res.json as SessionContext | undefined)?.context ?? {}) as Record<string, unknown>;
        answers.push(res);
      }
      // An own token that no longer reads (logged out, expired) says nothing about the session: the last answer does.
      const last = answers.at(-1);
      if (!last || last.status !== 404) unread.push(`(could not be read: ${last ? last.status || 'no answer' : 'no token and no service client'})`);
      return undefined;
    };
    let context = await read();
    if (!context) return [...unread];
    if (Object.keys(context).length === 0) return [];
    const token = session.tokens[0];
    for (const name of Object.keys(context)) {
      // `.` and `..` would be resolved away as path segments unless their dots are encoded too.
      for (const encoded of [...new Set([encodeURIComponent(name), encodeURIComponent(name).replace(/\./g, '%2E')])]) {
        const res = token ? await this.api.deleteOwnAttribute(token, encoded) : undefined;
        if (res?.status === 204) break;
        if (service && (await this.api.deleteAttribute(service, session.sessionId, encoded)).status === 204) break;
      }
    }
    context = await read();
    if (context && Object.keys(context).length && token) {
      // A name no path can carry: PATCH replaces the whole map (BEHAVIOUR.md §2), so an empty one clears it.
      const current = await this.api.getOwnContext(token);
      const version = (current.json as SessionContext | undefined)?.metadata?.version;
      if (current.status === 200 && typeof version === 'number') await this.api.patchOwnContext(token, { context: {}, metadata: { version } });
      context = await read();
    }
    return context ? Object.keys(context) : [...unread];
  }
}
