/**
 * The neighbouring services a session touches: Site Settings (read) and Carts (create, get by id or by criteria,
 * delete). Creating a cart
 * is when a context comes into being on a target that creates contexts at cart time (SC-CART-01).
 */
import { randomBytes } from 'node:crypto';
import { CART_SCOPE, neighbourAccess, type Caller } from './access.js';
import { anonymousDefaults, customerDefaults } from './identity.js';
import { error, isReply, noContent, ok } from './replies.js';
import { defaultSite, isPlainObject, nextTimestamp } from './rules.js';
import type { Store } from './store.js';
import type { CartRecord, Reply, TokenRecord } from './types.js';

export function sites(store: Store, caller: Caller, tenantName: string, code?: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  const all = store.tenants.get(tenantName)?.sites ?? [];
  if (code === undefined) return ok(all);
  const site = all.find((s) => s.code === code);
  return site ? ok(site) : error(404, `Site ${code} not found`);
}

/** A cart's default type: a POST without `type` and a GET by criteria without `type` mean the same cart. */
const DEFAULT_CART_TYPE = 'shopping';

/**
 * SC-CART-01: a new open cart for the caller; where contexts come into being at the first cart (the Session
 * Context spec's reading, MockSettings.contextCreation), this creates the session's context, and either way the
 * context takes the cartId.
 */
function openCart(store: Store, auth: TokenRecord, tenantName: string, fields: { siteCode: string; currency: string; type: string }): CartRecord {
  const tenant = store.tenants.get(tenantName)!;
  const id = randomBytes(12).toString('hex');
  const now = nextTimestamp();
  const sessionId = auth.sessionId;
  const cart: CartRecord = { id, tenant: tenantName, sessionId, customerId: auth.customerId, ...fields, status: 'OPEN', createdAt: now, modifiedAt: now };
  store.carts.set(id, cart);
  if (sessionId) {
    let context = store.findContext(tenantName, sessionId);
    if (!context) {
      const customer = auth.customerId ? tenant.customers.find((c) => c.profile.id === auth.customerId) : undefined;
      const values = customer
        ? { ...customerDefaults(store, tenant, customer), customerId: customer.profile.id }
        : anonymousDefaults(store, tenant, store.pendingParams.get(store.key(tenantName, sessionId)) ?? {});
      context = store.createContext(tenantName, sessionId, values);
    }
    const before = store.snapshot(context);
    context.cartId = id;
    store.dev.afterCart?.(context, before);
  }
  return cart;
}

/** The cart document of cart.yaml's `cart` schema: an empty cart (items and prices are not this mock's subject). */
function cartDocument(cart: CartRecord): Record<string, unknown> {
  return {
    id: cart.id,
    yrn: `urn:yaas:saasag:caasproduct:carts:${cart.tenant};${cart.id}`,
    ...(cart.customerId !== undefined ? { customerId: cart.customerId } : {}),
    ...(cart.sessionId !== undefined ? { sessionId: cart.sessionId } : {}),
    siteCode: cart.siteCode,
    currency: cart.currency,
    type: cart.type,
    status: cart.status,
    items: [],
    totalUnitsCount: 0,
    metadata: { createdAt: cart.createdAt, modifiedAt: cart.modifiedAt, version: 1 },
  };
}

/** Whether the caller may see or change a cart: its own session's or customer's, or any with the cart scope. */
function mayUse(auth: TokenRecord, cart: CartRecord): boolean {
  return auth.kind === 'service'
    ? auth.scopes.includes(CART_SCOPE)
    : cart.sessionId === auth.sessionId || (cart.customerId !== undefined && cart.customerId === auth.customerId);
}

/** SC-CART-01: creating a cart creates the session's context if needed and sets its cartId. */
export function createCart(store: Store, caller: Caller, tenantName: string, body: unknown): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  if (auth.kind === 'service' && !auth.scopes.includes(CART_SCOPE)) return error(403, `Scope ${CART_SCOPE} required`);
  if (!isPlainObject(body) || typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) {
    return error(400, 'currency is required: three upper-case letters');
  }
  const tenant = store.tenants.get(tenantName)!;
  const siteCode = typeof body.siteCode === 'string' ? body.siteCode : (defaultSite(tenant.sites)?.code ?? 'main');
  const type = typeof body.type === 'string' ? body.type : DEFAULT_CART_TYPE;
  const sessionId = auth.sessionId;
  for (const cart of store.carts.values()) {
    if (cart.tenant === tenantName && cart.status === 'OPEN' && cart.type === type && sessionId && cart.sessionId === sessionId) {
      return error(409, 'An open cart of this type already exists for the session');
    }
  }
  const { id } = openCart(store, auth, tenantName, { siteCode, currency: body.currency, type });
  return { status: 201, body: { cartId: id, yrn: `urn:yaas:saasag:caasproduct:carts:${tenantName};${id}` }, headers: { location: `/cart/${tenantName}/carts/${id}` } };
}

/**
 * GET /cart/{tenant}/carts?siteCode=S[&type][&sessionId|&customerId][&create=true] (cart.yaml, "Retrieving cart
 * details by criteria"): the one open cart of the site, type and owner; `create=true` opens it when none matches
 * (how storefront SDKs get their cart, BEHAVIOUR.md §8). Without sessionId and customerId the owner is the caller;
 * a storefront token may only ask for its own session's or customer's cart. legalEntityId, zipCode and countryCode
 * are accepted and not used (the mock keeps no B2B entities and no prices).
 */
export function cartByCriteria(store: Store, caller: Caller, tenantName: string, query: Record<string, string | undefined>): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  if (auth.kind === 'service' && !auth.scopes.includes(CART_SCOPE)) return error(403, `Scope ${CART_SCOPE} required`);
  const siteCode = query.siteCode;
  if (!siteCode) return error(400, 'Query parameter siteCode is required');
  const type = query.type || DEFAULT_CART_TYPE;
  const customerId = query.customerId || (query.sessionId ? undefined : auth.customerId);
  const sessionId = customerId ? undefined : query.sessionId || auth.sessionId;
  if (auth.kind !== 'service' && ((customerId && customerId !== auth.customerId) || (sessionId && sessionId !== auth.sessionId))) {
    return error(403, 'A storefront token may only read its own session\'s or customer\'s cart');
  }
  if (!customerId && !sessionId) return error(400, 'Query parameter sessionId or customerId is required with a service token');
  const found = [...store.carts.values()].find(
    (c) => c.tenant === tenantName && c.status === 'OPEN' && c.siteCode === siteCode && c.type === type && (customerId ? c.customerId === customerId : c.sessionId === sessionId),
  );
  if (found) return ok(cartDocument(found));
  // A service token opens no cart for a session that is not its own: that cart would belong to no token.
  if (query.create !== 'true' || auth.kind === 'service') return error(404, `No open ${type} cart of site ${siteCode} for these criteria`);
  const tenant = store.tenants.get(tenantName)!;
  const context = auth.sessionId ? store.findContext(tenantName, auth.sessionId) : undefined;
  const site = tenant.sites.find((s) => s.code === siteCode) ?? defaultSite(tenant.sites);
  const currency = context?.currency ?? site?.currency ?? 'EUR';
  return ok(cartDocument(openCart(store, auth, tenantName, { siteCode, currency, type })));
}

/** GET /cart/{tenant}/carts/{cartId}: the cart document, for its owner or a token with the cart scope. */
export function getCart(store: Store, caller: Caller, tenantName: string, cartId: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  const cart = store.carts.get(cartId);
  if (!cart || cart.tenant !== tenantName) return error(404, `Cart ${cartId} not found`);
  if (!mayUse(auth, cart)) return error(403, 'Not allowed to read this cart');
  return ok(cartDocument(cart));
}

export function deleteCart(store: Store, caller: Caller, tenantName: string, cartId: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  const cart = store.carts.get(cartId);
  if (!cart || cart.tenant !== tenantName) return error(404, `Cart ${cartId} not found`);
  if (!mayUse(auth, cart)) return error(403, 'Not allowed to delete this cart');
  store.carts.delete(cartId);
  return noContent();
}
