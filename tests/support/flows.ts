/**
 * Sessions made through the real flows (anonymous login, cart creation, customer login), with cleanup of
 * everything the test created. Nothing here reaches into the mock.
 */
import { test } from '@playwright/test';
import type { Api, Exchange } from './api.js';
import { expect } from './matchers.js';
import type { TargetConfig } from './target.js';
import { registerSecret } from './redact.js';

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

export interface CustomerSession {
  token: string;
  saasToken: string;
  sessionId: string;
  anonymous: AnonymousSession;
  login: Exchange;
}

export class Flows {
  private readonly carts: { token: string; cartId: string }[] = [];
  private readonly customers: string[] = [];
  private serviceTokenValue?: string;

  constructor(
    readonly api: Api,
    readonly target: TargetConfig,
  ) {}

  get specVersion() {
    return this.target.specVersion;
  }

  /** The PATCH whitelist of the selected spec version. */
  get whitelist(): string[] {
    return this.specVersion === '2026-04'
      ? ['siteCode', 'currency', 'targetLocation', 'language', 'context']
      : ['siteCode', 'currency', 'targetLocation', 'context'];
  }

  async anonymous(params: Record<string, string | undefined> = {}): Promise<AnonymousSession> {
    const login = await this.api.anonymousLogin(this.target.storefrontClientId, params);
    expect(login, 'anonymous login').toHaveStatus(200);
    const body = login.json as Record<string, string>;
    // One live client reads session_id instead of sessionId (BEHAVIOUR.md §4): accept either.
    const sessionId = body.sessionId ?? body.session_id;
    expect(sessionId, 'anonymous login answers a session id').toBeTruthy();
    return { token: body.access_token, refreshToken: body.refresh_token, sessionId, login };
  }

  async createCart(token: string, extra: Record<string, unknown> = {}): Promise<string> {
    const sites = await this.sites(token);
    const site = sites.find((s) => s.default) ?? sites[0];
    const res = await this.api.createCart(token, { siteCode: site?.code ?? 'main', currency: site?.currency ?? 'EUR', type: 'shopping', ...extra });
    expect(res, 'cart creation').toHaveStatus(201);
    const cartId = (res.json as { cartId: string }).cartId;
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

  /** Live targets may be eventually consistent right after creation (BEHAVIOUR.md §3): a few bounded re-reads. */
  async waitForContext(token: string): Promise<Exchange> {
    const attempts = this.target.kind === 'live' ? 5 : 1;
    let res: Exchange | undefined;
    for (let i = 0; i < attempts; i++) {
      res = await this.api.getOwnContext(token);
      if (res.status !== 404) break;
      await new Promise((r) => setTimeout(r, 400 * (i + 1)));
    }
    expect(res!, 'the context exists once a cart exists').toHaveStatus(200);
    return res!;
  }

  async context(token: string): Promise<SessionContext> {
    const res = await this.api.getOwnContext(token);
    expect(res, 'GET own context').toHaveStatus(200);
    return res.json as SessionContext;
  }

  async sites(token: string): Promise<{ code: string; default?: boolean; active?: boolean; currency?: string; availableCurrencies?: string[]; homeBase?: { address?: { country?: string } }; shipToCountries?: string[]; languages?: string[] }[]> {
    const res = await this.api.sites(token);
    expect(res, 'site list').toHaveStatus(200);
    return res.json as never;
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
    const body = login.json as Record<string, string>;
    // snake_case since 2025-06-05; the older camelCase names may still appear (BEHAVIOUR.md §4).
    const token = body.access_token ?? body.accessToken;
    const saasToken = body.saas_token ?? body.saasToken;
    registerSecret(token);
    registerSecret(saasToken);
    this.customers.push(token);
    return { token, saasToken, sessionId: body.session_id ?? body.sessionId, anonymous: anon, login };
  }

  requireService(): NonNullable<TargetConfig['service']> {
    test.skip(!this.target.service, 'EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set: no service client for the management endpoints');
    return this.target.service!;
  }

  /** A service token with `sessioncontext.context_manage`. */
  async serviceToken(): Promise<string> {
    if (this.serviceTokenValue) return this.serviceTokenValue;
    const { clientId, clientSecret } = this.requireService();
    registerSecret(clientSecret);
    const res = await this.api.serviceToken(clientId, clientSecret);
    expect(res, 'service token').toHaveStatus(200);
    this.serviceTokenValue = (res.json as { access_token: string }).access_token;
    return this.serviceTokenValue;
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
  }

  /** Leaves nothing behind: carts deleted, customers logged out. Failures here are not the test's result. */
  async cleanup(): Promise<void> {
    for (const { token, cartId } of this.carts.splice(0)) await this.api.deleteCart(token, cartId).catch(() => undefined);
    for (const token of this.customers.splice(0)) await this.api.customerLogout(token).catch(() => undefined);
  }
}
