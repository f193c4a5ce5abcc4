/**
 * Identity: anonymous login and refresh, customer login and logout, GET /customer/{tenant}/me, service tokens
 * (the Customer Management and OAuth services as far as a session needs them), and the defaults a new session's
 * context gets from them (BEHAVIOUR.md §4, §6).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { authenticate, neighbourAccess, type Caller } from './access.js';
import { error, isReply, MESSAGES, noContent, ok } from './replies.js';
import { deriveAnonymous, deriveCustomer, isPlainObject, type Derived } from './rules.js';
import type { Store } from './store.js';
import type { Reply, SeedCustomer, SeedTenant } from './types.js';

type Query = Record<string, string | undefined>;

/** An opaque token (BEHAVIOUR.md §4), with the recognisable prefix a leak scan looks for (MockSettings.tokenPrefix). */
const opaque = (store: Store, bytes = 21): string => `${store.settings.tokenPrefix}${randomBytes(bytes).toString('base64url')}`;

/** A JWT-looking saas token; it holds no session id (BEHAVIOUR.md §4). */
function saasToken(store: Store, customerId: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256' })}.${enc({ sub: customerId, jti: randomUUID() })}.${opaque(store, 16)}`;
}

/** SC-DERIVE-ANON-01, SC-DERIVE-ANON-02, SC-DERIVE-ANON-03, SC-DERIVE-ANON-04: what an anonymous session's context starts with. */
export function anonymousDefaults(store: Store, tenant: SeedTenant, params: Derived): Derived {
  const input = store.dev.anonymousInput?.(tenant.sites, params) ?? { sites: tenant.sites, params };
  return deriveAnonymous(input.sites, input.params);
}

/** SC-DERIVE-CUST-01, SC-DERIVE-CUST-02, SC-DERIVE-CUST-03, SC-DERIVE-CUST-04, SC-DERIVE-CUST-05, SC-DERIVE-CUST-06, SC-DERIVE-CUST-07: what a logged-in customer's context takes from the profile. */
export function customerDefaults(store: Store, tenant: SeedTenant, customer: SeedCustomer): Derived {
  const profile = store.dev.customerInput?.(customer.profile) ?? customer.profile;
  const derived = deriveCustomer(tenant.sites, profile);
  return store.dev.afterCustomerDerived?.(derived, tenant.sites, profile) ?? derived;
}

function issueAnonymous(store: Store, tenant: string, clientId: string, sessionId: string): Record<string, unknown> {
  const access = opaque(store);
  const refresh = opaque(store, 24);
  store.tokens.set(access, { kind: 'anonymous', tenant, clientId, sessionId, scopes: [], revoked: false });
  store.refreshTokens.set(refresh, { tenant, clientId, sessionId, used: false });
  return { token_type: 'Bearer', access_token: access, expires_in: 3599, refresh_token: refresh, refresh_token_expires_in: 86399, sessionId, scope: `tenant=${tenant}` };
}

/**
 * The tenant of an anonymous login or refresh: `tenant` as documented, else `hybris-tenant`, which three storefronts
 * send instead, Emporix's own among them (BEHAVIOUR.md §8).
 */
const tenantParameter = (query: Query): string => query.tenant ?? query['hybris-tenant'] ?? '';

/**
 * The token answers as clients read them (BEHAVIOUR.md §4, §8), applied after every rule and hook: the anonymous
 * answer carries `session_id` beside the documented `sessionId` (a live integration test reads it); the customer
 * answers carry the deprecated camelCase fields the Customer Management spec still lists (storefronts read
 * `accessToken`, `saasToken`). `--strict-shapes` leaves only the current documented names.
 */
function anonymousAnswer(store: Store, body: Record<string, unknown>): Reply {
  return ok(store.settings.strictShapes ? body : { ...body, session_id: body.sessionId });
}
const CAMEL_CASE: readonly [string, string][] = [
  ['access_token', 'accessToken'],
  ['saas_token', 'saasToken'],
  ['expires_in', 'expiresIn'],
  ['refresh_token', 'refreshToken'],
  ['refresh_token_expires_in', 'refreshTokenExpiresIn'],
];
function customerAnswer(store: Store, body: Record<string, unknown>): Reply {
  if (store.settings.strictShapes) return ok(body);
  const deprecated = CAMEL_CASE.filter(([snake]) => snake in body).map(([snake, camel]) => [camel, body[snake]]);
  return ok({ ...body, ...Object.fromEntries(deprecated) });
}

/** Anonymous login: a new session; its context is created now or at cart time (MockSettings.contextCreation). */
export function anonymousLogin(store: Store, query: Query): Reply {
  const tenantName = tenantParameter(query);
  const tenant = store.tenants.get(tenantName);
  if (!tenant || !query.client_id || !tenant.storefrontClientIds.includes(query.client_id)) {
    return error(401, 'Invalid tenant or client_id');
  }
  const sessionId = randomUUID();
  const body = issueAnonymous(store, tenantName, query.client_id, sessionId);
  const params: Derived = { siteCode: query.siteCode, currency: query.currency, targetLocation: query.targetLocation, language: query.language };
  if (store.settings.contextCreation === 'login') store.createContext(tenantName, sessionId, anonymousDefaults(store, tenant, params));
  else store.pendingParams.set(store.key(tenantName, sessionId), params);
  return anonymousAnswer(store, body);
}

/** SC-LIFE-04, SC-LIFE-05, SC-LIFE-09: refresh keeps the session (and so its context); the refresh token rotates (OBSERVED, §4). */
export function anonymousRefresh(store: Store, query: Query): Reply {
  const record = query.refresh_token ? store.refreshTokens.get(query.refresh_token) : undefined;
  if (!record || record.used || record.tenant !== tenantParameter(query) || record.clientId !== query.client_id) {
    return error(401, 'Invalid refresh token');
  }
  record.used = true;
  const body = issueAnonymous(store, record.tenant, record.clientId, record.sessionId);
  store.dev.afterRefresh?.({ store, body, refresh: record, sent: query.refresh_token! });
  return anonymousAnswer(store, body);
}

/**
 * SC-LIFE-01, SC-LIFE-02, SC-LIFE-03, SC-LIFE-08: customer login with an anonymous token keeps the session, its
 * cartId and its custom attributes, and sets customerId and the customer's defaults in an existing context.
 */
export function customerLogin(store: Store, caller: Caller, tenantName: string, body: unknown): Reply {
  const auth = authenticate(store, caller);
  if (isReply(auth)) return auth;
  if (auth.kind !== 'anonymous' || auth.tenant !== tenantName || !auth.sessionId) {
    return error(401, 'Customer login needs an anonymous token of this tenant');
  }
  if (!isPlainObject(body) || typeof body.email !== 'string' || typeof body.password !== 'string') {
    return error(400, 'email and password are required');
  }
  const tenant = store.tenants.get(tenantName)!;
  const email = body.email.toLowerCase();
  const customer = tenant.customers.find((c) => c.email.toLowerCase() === email);
  if (!customer || customer.password !== body.password) return error(401, 'Invalid credentials');
  const customerId = customer.profile.id;
  const access = opaque(store);
  const saas = saasToken(store, customerId);
  const token = { kind: 'customer' as const, tenant: tenantName, clientId: auth.clientId, sessionId: auth.sessionId, customerId, scopes: [], revoked: false };
  store.tokens.set(access, token);
  store.saasTokens.set(saas, { tenant: tenantName, customerId });
  const record = store.findContext(tenantName, auth.sessionId);
  const before = record && store.snapshot(record);
  if (record) {
    const derived = customerDefaults(store, tenant, customer);
    Object.assign(record, { customerId, siteCode: derived.siteCode, currency: derived.currency, targetLocation: derived.targetLocation });
    if (store.settings.specVersion === '2026-04') record.language = derived.language;
    store.touch(record);
  }
  const refresh = opaque(store, 24);
  store.customerRefreshTokens.set(refresh, { tenant: tenantName, clientId: auth.clientId, sessionId: auth.sessionId, customerId, used: false });
  const answer: Record<string, unknown> = {
    access_token: access,
    saas_token: saas,
    expires_in: 2591999,
    refresh_token: refresh,
    refresh_token_expires_in: 86399,
    token_type: 'Bearer',
    session_id: auth.sessionId,
    initialPassword: false,
  };
  store.dev.afterLogin?.({ store, tenant: tenantName, token, record, before, body: answer });
  return customerAnswer(store, answer);
}

/**
 * GET /customer/{tenant}/refreshauthtoken?refreshToken=R (customer-management.yaml): a new customer token for the
 * same customer and session; the refresh token is used up and a new one issued. The spec names an anonymous token
 * under `security` and a customer token in the header's description: either kind of this tenant is taken.
 */
export function customerRefresh(store: Store, caller: Caller, tenantName: string, refreshToken: string | undefined): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  if (auth.kind === 'service') return error(403, MESSAGES.storefrontTokenRequired);
  const record = refreshToken ? store.customerRefreshTokens.get(refreshToken) : undefined;
  if (!record || record.used || record.tenant !== tenantName) return error(401, 'Invalid refresh token');
  record.used = true;
  const access = opaque(store);
  store.tokens.set(access, { kind: 'customer', tenant: tenantName, clientId: record.clientId, sessionId: record.sessionId, customerId: record.customerId, scopes: [], revoked: false });
  const refresh = opaque(store, 24);
  store.customerRefreshTokens.set(refresh, { ...record, used: false });
  return customerAnswer(store, {
    access_token: access,
    expires_in: 2591999,
    refresh_token: refresh,
    refresh_token_expires_in: 86399,
    token_type: 'Bearer',
    session_id: record.sessionId,
  });
}

/**
 * STAND-IN, not a subject of the suite: GET /customer/{tenant}/validateauthtoken (customer-management.yaml), which a
 * storefront may call after login to read the caller's scopes and session. The scopes are the mock's own tokens'
 * (none beyond `tenant=T`); an anonymous token is answered too, without an email.
 */
export function validateToken(store: Store, caller: Caller, tenantName: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  if (auth.kind === 'service') return error(403, MESSAGES.storefrontTokenRequired);
  const email = auth.customerId ? store.tenants.get(tenantName)?.customers.find((c) => c.profile.id === auth.customerId)?.email : undefined;
  return ok({ token_type: 'Bearer', expires_in: auth.kind === 'customer' ? 2591999 : 3599, scope: [...auth.scopes, `tenant=${tenantName}`].join(' '), sessionId: auth.sessionId, ...(email ? { email } : {}) });
}

/** STAND-IN, not a subject of the suite: GET /customer/{tenant}/me/addresses, the logged-in customer's addresses. */
export function customerAddresses(store: Store, caller: Caller, tenantName: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  if (auth.kind !== 'customer') return error(403, 'A customer token is required');
  const customer = store.tenants.get(tenantName)?.customers.find((c) => c.profile.id === auth.customerId);
  return ok(customer?.profile.addresses ?? []);
}

/** SC-AUTH-04: logout invalidates the customer token named in `accessToken`. */
export function customerLogout(store: Store, caller: Caller, tenantName: string, accessToken: string | undefined): Reply {
  const auth = authenticate(store, caller);
  if (isReply(auth)) return auth;
  if (auth.kind !== 'customer' || auth.tenant !== tenantName) return error(401, 'A customer token is required');
  const target = accessToken ? store.tokens.get(accessToken) : undefined;
  if (!target || target.kind !== 'customer' || target.customerId !== auth.customerId) {
    return error(400, 'accessToken must be the customer token to invalidate');
  }
  target.revoked = true;
  store.dev.afterLogout?.(target);
  return noContent();
}

/** GET /customer/{tenant}/me[?expand=addresses]: the profile the derivation oracle reads. */
export function customerMe(store: Store, caller: Caller, tenantName: string, expand: string | undefined): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  if (auth.kind === 'anonymous') {
    return ok({ firstName: 'Anonymous', lastName: 'Anonymous', customerNumber: '00000000', id: '00000000', accounts: [] });
  }
  if (auth.kind !== 'customer') return error(403, 'A customer or anonymous token is required');
  const customer = store.tenants.get(tenantName)?.customers.find((c) => c.profile.id === auth.customerId);
  if (!customer) return error(404, 'Customer not found');
  const { addresses, ...rest } = customer.profile;
  const body: Record<string, unknown> = { ...rest, contactEmail: customer.email, accounts: [{ id: customer.email }] };
  if ((expand ?? '').split(',').includes('addresses')) body.addresses = addresses ?? [];
  return ok(body);
}

/** POST /oauth/token, client_credentials: a service token with the requested scopes the client holds. */
export function serviceToken(store: Store, form: Query): Reply {
  if (form.grant_type !== 'client_credentials') return error(400, 'grant_type must be client_credentials');
  for (const [name, tenant] of store.tenants) {
    const client = tenant.serviceClients.find((c) => c.clientId === form.client_id);
    if (!client) continue;
    if (client.clientSecret !== form.client_secret) break;
    const requested = (typeof form.scope === 'string' ? form.scope : '').split(/\s+/).filter((s) => s && !s.startsWith('tenant='));
    const granted = requested.length ? requested.filter((s) => client.scopes.includes(s)) : client.scopes;
    const access = opaque(store);
    store.tokens.set(access, { kind: 'service', tenant: name, clientId: client.clientId, scopes: granted, revoked: false });
    return ok({ access_token: access, token_type: 'Bearer', expires_in: 14399, session_idle_time: 120, refresh_token: '', refresh_token_expires_in: 0, scope: [`tenant=${name}`, ...granted].join(' ') });
  }
  return error(401, 'Invalid client credentials');
}
