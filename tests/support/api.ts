/**
 * The API client the suite talks through. Every call answers an Exchange (request and response together), so
 * a failing assertion can print both, redacted. It knows the Emporix paths and nothing about expected answers.
 */
import type { APIRequestContext } from '@playwright/test';
import { redactHeaders, redactText, redactUrl, redactValue, registerSecret } from './redact.js';

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  text: string;
  /** Parsed JSON body; undefined when the body is empty or not JSON. */
  json: unknown;
}

/** The request and response as text with every secret masked: what a failure prints. */
export function describeExchange(x: Exchange): string {
  const body = x.requestBody === undefined ? '' : `\n${typeof x.requestBody === 'string' ? redactText(x.requestBody) : JSON.stringify(redactValue(x.requestBody))}`;
  const response = x.json === undefined ? redactText(x.text) : JSON.stringify(redactValue(x.json), null, 2);
  return [
    `request:  ${x.method} ${redactUrl(x.url)}`,
    `          ${JSON.stringify(redactHeaders(x.requestHeaders))}${body}`,
    `response: ${x.status}`,
    response ? response.split('\n').map((l) => `          ${l}`).join('\n') : '          (empty body)',
  ].join('\n');
}

export interface SendOptions {
  token?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | undefined>;
  /** A JSON value, or a raw string sent as it is (for malformed bodies). */
  json?: unknown;
  form?: Record<string, string>;
}

export interface ApiOptions {
  baseURL: string;
  tenant: string;
  /** Retries for 429/502/503/504 on idempotent methods (live targets only). */
  retries: number;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
const TRANSIENT = new Set([429, 502, 503, 504]);

export class Api {
  readonly exchanges: Exchange[] = [];

  constructor(
    private readonly request: APIRequestContext,
    readonly options: ApiOptions,
  ) {}

  get tenant(): string {
    return this.options.tenant;
  }

  url(path: string, query?: Record<string, string | undefined>): string {
    const u = new URL(path.replace(/^\//, ''), this.options.baseURL.replace(/\/?$/, '/'));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /** `path` is used verbatim (already percent-encoded where needed). */
  async send(method: string, path: string, opts: SendOptions = {}): Promise<Exchange> {
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    let data: Buffer | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      // A Buffer goes out byte for byte; a string with a JSON content type would be serialized once more.
      data = Buffer.from(typeof opts.json === 'string' ? opts.json : JSON.stringify(opts.json));
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      data = Buffer.from(new URLSearchParams(opts.form).toString());
    }
    const url = this.url(path, opts.query);
    const attempts = IDEMPOTENT.has(method) ? this.options.retries + 1 : 1;
    let exchange: Exchange | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const res = await this.request.fetch(url, { method, headers, data, failOnStatusCode: false, maxRedirects: 0 });
      const text = await res.text();
      let json: unknown;
      try {
        json = text.length ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      exchange = { method, url, requestHeaders: headers, requestBody: opts.json ?? opts.form, status: res.status(), responseHeaders: res.headers(), text, json };
      if (!TRANSIENT.has(res.status()) || attempt === attempts) break;
      const retryAfter = Number(res.headers()['retry-after']);
      await new Promise((r) => setTimeout(r, Math.min(Number.isFinite(retryAfter) ? retryAfter * 1000 : 500 * attempt, 5000)));
    }
    this.exchanges.push(exchange!);
    if (this.exchanges.length > 50) this.exchanges.shift();
    for (const key of ['access_token', 'refresh_token', 'saas_token']) registerSecret((exchange!.json as Record<string, unknown> | undefined)?.[key]);
    return exchange!;
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
    return this.send('POST', '/oauth/token', { form });
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
