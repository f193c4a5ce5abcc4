/**
 * The mock's state and operations. Every operation takes plain inputs (header values, path and query
 * parameters, a parsed body) and answers a Reply; nothing here knows about Fastify.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  deriveAnonymous,
  deriveCustomer,
  isContextValue,
  isPlainObject,
  TENANT_PATTERN,
  nextTimestamp,
  patchWhitelist,
  readVersion,
  type Derived,
} from './rules.js';
import type {
  CartRecord,
  MockSettings,
  RefreshRecord,
  Reply,
  SeedCustomer,
  SeedTenant,
  Seed,
  SessionContextRecord,
  TokenRecord,
} from './types.js';

export const MANAGE_SCOPE = 'sessioncontext.context_manage';
export const CART_SCOPE = 'cart.cart_manage';

const opaque = (bytes = 21): string => randomBytes(bytes).toString('base64url');

/** A JWT-looking saas token; it holds no session id (BEHAVIOUR.md §4). */
function saasToken(customerId: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256' })}.${enc({ sub: customerId, jti: randomUUID() })}.${opaque(16)}`;
}

export const fault = (status: number, faultstring: string, errorcode: string): Reply => ({
  status,
  body: { fault: { faultstring, detail: { errorcode } } },
});

export const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { ...extra, code: status, message },
});

const invalidToken = (): Reply => fault(401, 'Invalid access token', 'oauth.v2.InvalidAccessToken');

export interface Caller {
  authorization?: string;
}

export class SessionService {
  readonly tenants = new Map<string, SeedTenant>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly saasTokens = new Map<string, { tenant: string; customerId: string }>();
  readonly contexts = new Map<string, SessionContextRecord>();
  readonly carts = new Map<string, CartRecord>();
  /** Anonymous-login parameters kept until the context is created at cart time. */
  private readonly pendingParams = new Map<string, Derived>();

  constructor(
    seed: Seed,
    readonly settings: MockSettings,
  ) {
    for (const t of seed.tenants) this.tenants.set(t.name, structuredClone(t));
  }

  /** True when the mock runs the named deviation (issue 4); the faithful mock never does. */
  deviates(name: string): boolean {
    return this.settings.deviation === name;
  }

  private key(tenant: string, sessionId: string): string {
    return `${tenant}\u0000${sessionId}`;
  }

  findContext(tenant: string, sessionId: string): SessionContextRecord | undefined {
    return this.contexts.get(this.key(tenant, sessionId));
  }

  private createContext(tenant: string, sessionId: string, values: Derived & { customerId?: string }) {
    const now = nextTimestamp();
    const record: SessionContextRecord = {
      sessionId,
      customerId: values.customerId ?? (this.deviates('anonymous-customer-id') ? 'anonymous' : undefined),
      siteCode: values.siteCode,
      currency: values.currency,
      targetLocation: values.targetLocation,
      language: this.settings.specVersion === '2026-04' ? values.language : undefined,
      context: new Map(),
      version: 1,
      createdAt: now,
      modifiedAt: now,
    };
    this.contexts.set(this.key(tenant, sessionId), record);
    return record;
  }

  private touch(record: SessionContextRecord, bumpVersion = true): void {
    if (bumpVersion) {
      if (this.deviates('version-not-raised')) {
        // no change
      } else if (this.deviates('version-raised-by-two')) record.version += 2;
      else record.version += 1;
    }
    if (!this.deviates('modified-at-frozen')) record.modifiedAt = nextTimestamp(record.modifiedAt);
    if (this.deviates('created-at-moves')) record.createdAt = record.modifiedAt;
  }

  /** The GET representation: absent fields are omitted, an empty `context` is omitted (§2). */
  render(record: SessionContextRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!this.deviates('session-id-missing')) out.sessionId = record.sessionId;
    if (record.customerId !== undefined) out.customerId = record.customerId;
    if (record.siteCode !== undefined) out.siteCode = record.siteCode;
    if (record.currency !== undefined) out.currency = record.currency;
    if (record.cartId !== undefined) out.cartId = record.cartId;
    if (record.targetLocation !== undefined) out.targetLocation = record.targetLocation;
    if (record.language !== undefined && (this.settings.specVersion === '2026-04' || this.deviates('language-in-2022-11'))) out.language = record.language;
    if (record.context.size > 0) out.context = Object.fromEntries(record.context);
    out.metadata = {
      version: this.deviates('version-as-string') ? String(record.version) : record.version,
      createdAt: record.createdAt,
      modifiedAt: record.modifiedAt,
    };
    return out;
  }

  // ---------------------------------------------------------------- tokens

  /** Resolves `Authorization: Bearer <token>`; anything else is the gateway's 401 fault (§4). */
  authenticate(caller: Caller): TokenRecord | Reply {
    const header = caller.authorization ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    if (!match) {
      if (this.deviates('fault-body-plain')) return error(401, 'Unauthorized');
      return invalidToken();
    }
    const record = this.tokens.get(match[1]);
    if (!record || record.revoked) {
      if (this.deviates('unknown-token-accepted') && !record) {
        return { kind: 'anonymous', tenant: this.primaryTenant(), clientId: '', sessionId: randomUUID(), scopes: [], revoked: false };
      }
      if (this.deviates('fault-body-plain')) return error(401, 'Unauthorized');
      return invalidToken();
    }
    return record;
  }

  primaryTenant(): string {
    return this.tenants.keys().next().value ?? '';
  }

  private issueAnonymous(tenant: string, clientId: string, sessionId: string): Record<string, unknown> {
    const access = opaque();
    const refresh = opaque(24);
    this.tokens.set(access, { kind: 'anonymous', tenant, clientId, sessionId, scopes: [], revoked: false });
    this.refreshTokens.set(refresh, { tenant, clientId, sessionId, used: false });
    return {
      token_type: 'Bearer',
      access_token: access,
      expires_in: 3599,
      refresh_token: refresh,
      refresh_token_expires_in: 86399,
      sessionId,
      scope: `tenant=${tenant}`,
    };
  }

  anonymousLogin(query: Record<string, string | undefined>): Reply {
    const tenantName = query.tenant ?? '';
    const tenant = this.tenants.get(tenantName);
    if (!tenant || !query.client_id || !tenant.storefrontClientIds.includes(query.client_id)) {
      return error(401, 'Invalid tenant or client_id');
    }
    const sessionId = randomUUID();
    const body = this.issueAnonymous(tenantName, query.client_id, sessionId);
    const params: Derived = { siteCode: query.siteCode, currency: query.currency, targetLocation: query.targetLocation, language: query.language };
    if (this.settings.contextCreation === 'login') this.createContext(tenantName, sessionId, this.anonymousDefaults(tenant, params));
    else this.pendingParams.set(this.key(tenantName, sessionId), params);
    return { status: 200, body };
  }

  private anonymousDefaults(tenant: SeedTenant, params: Derived): Derived {
    if (this.deviates('anonymous-wrong-site')) {
      const other = tenant.sites.find((s) => !s.default) ?? tenant.sites[0];
      return deriveAnonymous([{ ...other, default: true }], params);
    }
    return deriveAnonymous(tenant.sites, this.deviates('login-params-ignored') ? {} : params);
  }

  private customerDefaults(tenant: SeedTenant, customer: SeedCustomer): Derived {
    let profile = customer.profile;
    if (this.deviates('preferred-currency-ignored')) profile = { ...profile, preferredCurrency: undefined };
    if (this.deviates('preferred-site-ignored')) profile = { ...profile, preferredSite: undefined };
    if (this.deviates('billing-before-shipping')) {
      const billingFirst = [...(profile.addresses ?? [])].map((a) => ({
        ...a,
        tags: (a.tags ?? []).map((t) => (t === 'BILLING' ? 'SHIPPING' : t === 'SHIPPING' ? 'BILLING' : t)),
      }));
      profile = { ...profile, addresses: billingFirst };
    }
    const derived = deriveCustomer(tenant.sites, profile);
    const site = tenant.sites.find((s) => s.default) ?? tenant.sites[0];
    if (this.deviates('address-fallback-skipped')) derived.targetLocation = site?.homeBase?.address?.country;
    if (this.deviates('currency-fallback-preferred-site') && !profile.preferredCurrency) {
      derived.currency = tenant.sites.find((s) => s.code === derived.siteCode)?.currency ?? derived.currency;
    }
    if (this.deviates('site-fallback-wrong') && !profile.preferredSite) {
      derived.siteCode = tenant.sites.find((s) => !s.default)?.code ?? derived.siteCode;
    }
    const hasAddress = (profile.addresses ?? []).some((a) => (a.tags ?? []).some((t) => t === 'SHIPPING' || t === 'BILLING'));
    if (this.deviates('no-address-ship-to') && !hasAddress) derived.targetLocation = site?.shipToCountries?.at(-1);
    return derived;
  }

  anonymousRefresh(query: Record<string, string | undefined>): Reply {
    const record = query.refresh_token ? this.refreshTokens.get(query.refresh_token) : undefined;
    if (!record || record.used || record.tenant !== query.tenant || record.clientId !== query.client_id) {
      return error(401, 'Invalid refresh token');
    }
    // The refresh token rotates on each refresh (OBSERVED, §4).
    record.used = !this.deviates('refresh-token-reused');
    const sessionId = this.deviates('refresh-new-session') ? randomUUID() : record.sessionId;
    const body = this.issueAnonymous(record.tenant, record.clientId, sessionId);
    if (this.deviates('refresh-token-reused')) body.refresh_token = query.refresh_token;
    return { status: 200, body };
  }

  customerLogin(caller: Caller, tenantName: string, body: unknown): Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    if (auth.kind !== 'anonymous' || auth.tenant !== tenantName) {
      return error(401, 'Customer login needs an anonymous token of this tenant');
    }
    const tenant = this.tenants.get(tenantName);
    if (!isPlainObject(body) || typeof body.email !== 'string' || typeof body.password !== 'string') {
      return error(400, 'email and password are required');
    }
    const customer = tenant?.customers.find((c) => c.email.toLowerCase() === String(body.email).toLowerCase());
    if (!tenant || !customer || customer.password !== body.password) {
      return error(401, 'Invalid credentials');
    }
    const sessionId = this.deviates('login-new-session') ? randomUUID() : auth.sessionId!;
    const customerId = customer.profile.id;
    const access = opaque();
    const saas = saasToken(customerId);
    this.tokens.set(access, {
      kind: 'customer',
      tenant: tenantName,
      clientId: auth.clientId,
      sessionId,
      customerId,
      scopes: [],
      revoked: false,
    });
    this.saasTokens.set(saas, { tenant: tenantName, customerId });
    const existing = this.findContext(tenantName, auth.sessionId!);
    const derived = this.customerDefaults(tenant, customer);
    if (existing) {
      const target = sessionId === auth.sessionId ? existing : this.createContext(tenantName, sessionId, {});
      Object.assign(target, {
        customerId: this.deviates('login-customer-id-missing') ? undefined : customerId,
        siteCode: derived.siteCode,
        currency: derived.currency,
        targetLocation: derived.targetLocation,
        language: this.settings.specVersion === '2026-04' ? derived.language : undefined,
      });
      if (this.deviates('login-drops-cart')) target.cartId = undefined;
      this.touch(target);
    }
    return {
      status: 200,
      body: {
        access_token: access,
        saas_token: saas,
        expires_in: 2591999,
        refresh_token: opaque(24),
        refresh_token_expires_in: 86399,
        token_type: 'Bearer',
        session_id: sessionId,
        initialPassword: false,
      },
    };
  }

  customerLogout(caller: Caller, tenantName: string, accessToken: string | undefined): Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    if (auth.kind !== 'customer' || auth.tenant !== tenantName) return error(401, 'A customer token is required');
    const target = accessToken ? this.tokens.get(accessToken) : undefined;
    if (!target || target.kind !== 'customer' || target.customerId !== auth.customerId) {
      return error(400, 'accessToken must be the customer token to invalidate');
    }
    if (!this.deviates('logout-keeps-token')) target.revoked = true;
    return { status: 204 };
  }

  customerMe(caller: Caller, tenantName: string, expand: string | undefined): Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    if (auth.tenant !== tenantName) return error(403, 'Token does not belong to this tenant');
    if (auth.kind === 'anonymous') {
      return {
        status: 200,
        body: { firstName: 'Anonymous', lastName: 'Anonymous', customerNumber: '00000000', id: '00000000', accounts: [] },
      };
    }
    if (auth.kind !== 'customer') return error(403, 'A customer or anonymous token is required');
    const customer = this.tenants.get(tenantName)?.customers.find((c) => c.profile.id === auth.customerId);
    if (!customer) return error(404, 'Customer not found');
    const { addresses, ...rest } = customer.profile;
    const body: Record<string, unknown> = { ...rest, contactEmail: customer.email, accounts: [{ id: customer.email }] };
    if ((expand ?? '').split(',').includes('addresses')) body.addresses = addresses ?? [];
    return { status: 200, body };
  }

  serviceToken(form: Record<string, string | undefined>): Reply {
    if (form.grant_type !== 'client_credentials') return error(400, 'grant_type must be client_credentials');
    for (const [name, tenant] of this.tenants) {
      const client = tenant.serviceClients.find((c) => c.clientId === form.client_id);
      if (!client) continue;
      if (client.clientSecret !== form.client_secret) break;
      const requested = (form.scope ?? '').split(/\s+/).filter((s) => s && !s.startsWith('tenant='));
      const granted = requested.length ? requested.filter((s) => client.scopes.includes(s)) : client.scopes;
      const access = opaque();
      this.tokens.set(access, { kind: 'service', tenant: name, clientId: client.clientId, scopes: granted, revoked: false });
      return {
        status: 200,
        body: {
          access_token: access,
          token_type: 'Bearer',
          expires_in: 14399,
          session_idle_time: 120,
          refresh_token: '',
          refresh_token_expires_in: 0,
          scope: [`tenant=${name}`, ...granted].join(' '),
        },
      };
    }
    return error(401, 'Invalid client credentials');
  }

  // ---------------------------------------------------------------- sites

  sites(caller: Caller, tenantName: string, code?: string): Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    if (auth.tenant !== tenantName) return error(403, 'Token does not belong to this tenant');
    const sites = this.tenants.get(tenantName)?.sites ?? [];
    if (code === undefined) return { status: 200, body: sites };
    const site = sites.find((s) => s.code === code);
    return site ? { status: 200, body: site } : error(404, `Site ${code} not found`);
  }

  // ---------------------------------------------------------------- carts

  createCart(caller: Caller, tenantName: string, body: unknown): Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    if (auth.tenant !== tenantName) return error(403, 'Token does not belong to this tenant');
    if (auth.kind === 'service' && !auth.scopes.includes(CART_SCOPE)) return error(403, 'Scope cart.cart_manage required');
    if (!isPlainObject(body) || typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) {
      return error(400, 'currency is required: three upper-case letters');
    }
    const tenant = this.tenants.get(tenantName)!;
    const siteCode = typeof body.siteCode === 'string' ? body.siteCode : (tenant.sites.find((s) => s.default)?.code ?? 'main');
    const type = typeof body.type === 'string' ? body.type : 'shopping';
    const sessionId = auth.sessionId;
    for (const cart of this.carts.values()) {
      if (cart.tenant === tenantName && cart.status === 'OPEN' && cart.type === type && sessionId && cart.sessionId === sessionId) {
        return error(409, 'An open cart of this type already exists for the session');
      }
    }
    const id = randomBytes(12).toString('hex');
    this.carts.set(id, { id, tenant: tenantName, sessionId, customerId: auth.customerId, siteCode, currency: body.currency, type, status: 'OPEN' });
    if (sessionId) {
      let context = this.findContext(tenantName, sessionId);
      if (!context) {
        const customer = auth.customerId ? tenant.customers.find((c) => c.profile.id === auth.customerId) : undefined;
        const values = customer
          ? { ...this.customerDefaults(tenant, customer), customerId: customer.profile.id }
          : this.anonymousDefaults(tenant, this.pendingParams.get(this.key(tenantName, sessionId)) ?? {});
        context = this.createContext(tenantName, sessionId, values);
      }
      if (!this.deviates('cart-id-not-set')) {
        context.cartId = id;
      }
    }
    return {
      status: 201,
      body: { cartId: id, yrn: `urn:yaas:saasag:caasproduct:carts:${tenantName};${id}` },
      headers: { location: `/cart/${tenantName}/carts/${id}` },
    };
  }

  deleteCart(caller: Caller, tenantName: string, cartId: string): Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    if (auth.tenant !== tenantName) return error(403, 'Token does not belong to this tenant');
    const cart = this.carts.get(cartId);
    if (!cart || cart.tenant !== tenantName) return error(404, `Cart ${cartId} not found`);
    const owns = auth.kind === 'service' ? auth.scopes.includes(CART_SCOPE) : cart.sessionId === auth.sessionId || (cart.customerId !== undefined && cart.customerId === auth.customerId);
    if (!owns) return error(403, 'Not allowed to delete this cart');
    this.carts.delete(cartId);
    return { status: 204 };
  }

  // ---------------------------------------------------------------- session context: access checks

  /** Tenant path checks shared by every Session Context operation. */
  private checkTenant(auth: TokenRecord, tenantName: string): Reply | undefined {
    if (this.deviates('tenant-uppercase-accepted') && /[A-Z]/.test(tenantName)) return undefined;
    const patternOk = TENANT_PATTERN.test(tenantName);
    const lengthOk = tenantName.length >= 3 && tenantName.length <= 16;
    if (this.deviates('tenant-length-unchecked') && patternOk && !lengthOk) return undefined;
    if (!patternOk || !lengthOk) {
      if (this.deviates('tenant-invalid-500')) return error(500, 'Internal error');
      return error(400, 'Invalid tenant name: must match ^[a-z][a-z0-9]+$ with 3 to 16 characters');
    }
    if (this.deviates('own-tenant-rejected')) return error(403, 'The token does not belong to this tenant');
    if (tenantName !== auth.tenant && !this.deviates('tenant-mismatch-served')) {
      return error(403, 'The token does not belong to this tenant');
    }
    return undefined;
  }

  /** Own endpoints: an anonymous or customer token; its session is the one addressed. */
  private own(caller: Caller, tenantName: string): { auth: TokenRecord; sessionId: string } | Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    const bad = this.checkTenant(auth, tenantName);
    if (bad) return bad;
    if (auth.kind === 'service' || !auth.sessionId) return error(403, 'An anonymous or customer token is required');
    return { auth, sessionId: auth.sessionId };
  }

  /** Management endpoints: a service token with `sessioncontext.context_manage`. */
  private manage(caller: Caller, tenantName: string): TokenRecord | Reply {
    const auth = this.authenticate(caller);
    if ('status' in auth) return auth;
    const bad = this.checkTenant(auth, tenantName);
    if (bad) return bad;
    if (auth.kind !== 'service' && !this.deviates('management-accepts-storefront-token')) {
      return error(403, 'A service token is required');
    }
    if (auth.kind === 'service' && !auth.scopes.includes(MANAGE_SCOPE) && !this.deviates('scope-not-checked')) {
      return error(403, `Scope ${MANAGE_SCOPE} required`);
    }
    return auth;
  }

  private notFound(sessionId: string): Reply {
    if (this.deviates('not-found-body-bare')) return { status: 404, body: { error: 'not found' } };
    return error(404, 'Session not found', { sessionId });
  }

  private missingContext(sessionId: string): Reply {
    if (this.deviates('missing-context-204')) return { status: 204 };
    if (this.deviates('missing-context-200')) {
      const now = nextTimestamp();
      return { status: 200, body: { sessionId, metadata: { version: 0, createdAt: now, modifiedAt: now } } };
    }
    return this.notFound(sessionId);
  }

  // ---------------------------------------------------------------- session context: own

  getOwn(caller: Caller, tenantName: string): Reply {
    const who = this.own(caller, tenantName);
    if ('status' in who) return who;
    const record = this.findContext(who.auth.tenant, who.sessionId);
    if (!record) return this.missingContext(who.sessionId);
    return { status: 200, body: this.render(record) };
  }

  /** PATCH /me/context. `lostUpdate` yields between check and write (the `lost-update` deviation). */
  async patchOwn(caller: Caller, tenantName: string, body: unknown): Promise<Reply> {
    const who = this.own(caller, tenantName);
    if ('status' in who) return who;
    if (!isPlainObject(body)) return error(400, 'The request body must be a JSON object');
    const version = readVersion(body);
    if (typeof version !== 'number' && !this.versionProblemTolerated(version)) {
      return error(400, `metadata.version is required and must be an integer (${version})`);
    }
    let record = this.findContext(who.auth.tenant, who.sessionId);
    if (!record && this.deviates('patch-creates-context')) {
      const tenant = this.tenants.get(who.auth.tenant)!;
      record = this.createContext(who.auth.tenant, who.sessionId, this.anonymousDefaults(tenant, {}));
    }
    if (!record) return this.notFound(who.sessionId);
    const whitelist = patchWhitelist(this.deviates('language-in-2022-11') ? '2026-04' : this.settings.specVersion);
    const changes: Record<string, unknown> = {};
    for (const field of whitelist) {
      if (!(field in body)) continue;
      const value = body[field];
      if (field === 'context') {
        if (!isPlainObject(value) || !Object.values(value).every(isContextValue)) {
          return error(400, 'context must map names to objects or strings');
        }
      } else if (typeof value !== 'string') {
        return error(400, `${field} must be a string`);
      }
      changes[field] = value;
    }
    if (this.deviates('unknown-field-rejected')) {
      const known = new Set([...whitelist, 'metadata', 'sessionId', 'customerId', 'cartId']);
      const unknown = Object.keys(body).find((k) => !known.has(k));
      if (unknown) return error(400, `Unknown field ${unknown}`);
    }
    const stale = typeof version === 'number' && version !== record.version;
    if (stale && !this.deviates('version-ignored')) {
      if (this.deviates('stale-version-ignored-silently')) return { status: 204 };
      return this.staleReply(record.sessionId, version as number);
    }
    // A read-then-write with a store round trip in between, unguarded: concurrent writers all pass the check.
    if (this.deviates('lost-update')) await new Promise((resolve) => setTimeout(resolve, 50));
    this.applyPatch(record, changes, body);
    if (this.deviates('patch-answers-200')) return { status: 200, body: this.render(record) };
    return { status: 204 };
  }

  /** Deviations that let a write through without a usable metadata.version. */
  private versionProblemTolerated(problem: string): boolean {
    if (problem === 'missing-metadata') return this.deviates('missing-metadata-accepted');
    return this.deviates('version-optional');
  }

  private staleReply(sessionId: string, version: number): Reply {
    const message = `The context with sessionId ${sessionId} and version ${version} has not been found.`;
    return this.settings.staleVersionStatus === 409 ? error(409, message, { sessionId }) : error(404, message, { sessionId });
  }

  private applyPatch(record: SessionContextRecord, changes: Record<string, unknown>, body: Record<string, unknown>): void {
    if (this.deviates('whitelisted-field-dropped')) delete changes.currency;
    if (this.deviates('patch-applies-nothing')) for (const field of Object.keys(changes)) delete changes[field];
    if (this.deviates('language-dropped')) delete changes.language;
    for (const [field, value] of Object.entries(changes)) {
      if (field === 'context') {
        const entries = Object.entries(value as Record<string, unknown>);
        // PATCH replaces the whole map (OBSERVED, §2); the deviation merges instead.
        if (!this.deviates('context-merged')) record.context = new Map();
        for (const [k, v] of entries) record.context.set(k, v);
      } else {
        (record as unknown as Record<string, unknown>)[field] = value;
      }
    }
    if (this.deviates('protected-field-applied')) {
      for (const field of ['sessionId', 'customerId', 'cartId'] as const) {
        if (typeof body[field] === 'string') record[field] = body[field] as string;
      }
    }
    this.touch(record);
    if (this.deviates('metadata-applied') && isPlainObject(body.metadata)) {
      if (typeof body.metadata.createdAt === 'string') record.createdAt = body.metadata.createdAt;
      if (typeof body.metadata.modifiedAt === 'string') record.modifiedAt = body.metadata.modifiedAt;
    }
  }

  addOwnAttribute(caller: Caller, tenantName: string, body: unknown): Reply {
    const who = this.own(caller, tenantName);
    if ('status' in who) return who;
    const record = this.findContext(who.auth.tenant, who.sessionId);
    const bad = this.checkAttribute(body);
    if (bad) return bad;
    if (!record) return this.notFound(who.sessionId);
    const { key, value } = body as { key: string; value: unknown };
    record.context.set(key, value);
    // "Optimistic locking is not taken into account here": the version is left alone.
    this.touch(record, false);
    if (this.deviates('attribute-post-204')) return { status: 204 };
    return { status: 201, body: key };
  }

  private checkAttribute(body: unknown): Reply | undefined {
    if (!isPlainObject(body)) return error(400, 'The request body must be a JSON object');
    if (typeof body.key !== 'string' || body.key.length === 0) return error(400, 'key must be a non-empty string');
    if (!('value' in body) || !isContextValue(body.value)) return error(400, 'value must be an object or a string');
    if (this.deviates('proto-attribute-500') && body.key === '__proto__') return error(500, 'Internal error');
    // Following the official `Context` schema (object values only) while its own example has strings.
    if (this.deviates('attribute-string-value-rejected') && typeof body.value === 'string') return error(400, 'value must be an object');
    if (this.deviates('attribute-needs-version') && typeof readVersion(body) !== 'number') {
      return error(400, 'metadata.version is required');
    }
    if (this.deviates('large-value-500') && JSON.stringify(body.value).length > 10_000) return error(500, 'Value too large for the store');
    return undefined;
  }

  private removeAttribute(record: SessionContextRecord, name: string): Reply {
    if (!record.context.has(name)) {
      if (this.deviates('missing-attribute-delete-204')) return { status: 204 };
      return error(404, `Attribute ${name} not found`, { sessionId: record.sessionId });
    }
    if (!this.deviates('attribute-delete-noop')) record.context.delete(name);
    this.touch(record, false);
    return { status: 204 };
  }

  deleteOwnAttribute(caller: Caller, tenantName: string, name: string): Reply {
    const who = this.own(caller, tenantName);
    if ('status' in who) return who;
    const record = this.findContext(who.auth.tenant, who.sessionId);
    if (!record) return this.notFound(who.sessionId);
    return this.removeAttribute(record, name);
  }

  // ---------------------------------------------------------------- session context: management

  getContext(caller: Caller, tenantName: string, sessionId: string): Reply {
    const auth = this.manage(caller, tenantName);
    if ('status' in auth) return auth;
    const record = this.findContext(auth.tenant, sessionId);
    if (!record) return this.missingContext(sessionId);
    return { status: 200, body: this.render(record) };
  }

  putContext(caller: Caller & { saasToken?: string }, tenantName: string, sessionId: string, upsert: string | undefined, body: unknown): Reply {
    const auth = this.manage(caller, tenantName);
    if ('status' in auth) return auth;
    if (!isPlainObject(body)) return error(400, 'The request body must be a JSON object');
    const version = readVersion(body);
    if (typeof version !== 'number' && !this.versionProblemTolerated(version)) {
      return error(400, `metadata.version is required and must be an integer (${version})`);
    }
    const tenant = auth.tenant;
    let record = this.findContext(tenant, sessionId);
    if (!record) {
      const upserting = (upsert === 'true' && !this.deviates('upsert-ignored')) || this.deviates('put-creates-without-upsert');
      if (!upserting) return this.notFound(sessionId);
      record = this.createContext(tenant, sessionId, {});
      this.assignPut(record, body);
      return { status: 204 };
    }
    if (typeof version === 'number' && version !== record.version && !this.deviates('version-ignored')) return this.staleReply(sessionId, version);
    if (record.customerId !== undefined && !(this.deviates('put-saas-token-optional') && !caller.saasToken)) {
      // "only required if the session context belongs to a logged-in customer" (PUT saas-token header).
      if (!caller.saasToken) return error(400, 'Required Header [saas-token] is not present');
      const owner = this.saasTokens.get(caller.saasToken);
      if (!owner || owner.customerId !== record.customerId || this.deviates('put-saas-token-rejected')) {
        return error(403, 'saas-token does not belong to the customer of this session context');
      }
    }
    this.assignPut(record, body);
    this.touch(record);
    return { status: 204 };
  }

  private assignPut(record: SessionContextRecord, body: Record<string, unknown>): void {
    if (this.deviates('put-ignores-fields')) return;
    const fields = ['siteCode', 'currency', 'targetLocation', 'cartId'];
    if (this.settings.specVersion === '2026-04') fields.push('language');
    for (const field of fields) {
      if (typeof body[field] === 'string') (record as unknown as Record<string, unknown>)[field] = body[field];
    }
    if (isPlainObject(body.context)) {
      record.context = new Map(Object.entries(body.context).filter(([, v]) => isContextValue(v)));
    }
  }

  addAttribute(caller: Caller, tenantName: string, sessionId: string, body: unknown): Reply {
    const auth = this.manage(caller, tenantName);
    if ('status' in auth) return auth;
    const bad = this.checkAttribute(body);
    if (bad) return bad;
    const record = this.findContext(auth.tenant, sessionId);
    if (!record) return this.deviates('management-attribute-orphan') ? { status: 204 } : this.notFound(sessionId);
    const { key, value } = body as { key: string; value: unknown };
    if (!this.deviates('management-attribute-dropped')) record.context.set(key, value);
    this.touch(record, false);
    return { status: 204 };
  }

  deleteAttribute(caller: Caller, tenantName: string, sessionId: string, name: string): Reply {
    const auth = this.manage(caller, tenantName);
    if ('status' in auth) return auth;
    const record = this.findContext(auth.tenant, sessionId);
    if (!record) return this.deviates('management-attribute-orphan') ? { status: 204 } : this.notFound(sessionId);
    return this.removeAttribute(record, name);
  }
}
