/**
 * The neighbouring services a session touches: Site Settings (read) and Carts (create, delete). Creating a cart
 * is when a context comes into being on a target that creates contexts at cart time (SC-CART-01).
 */
import { randomBytes } from 'node:crypto';
import { CART_SCOPE, neighbourAccess, type Caller } from './access.js';
import { anonymousDefaults, customerDefaults } from './identity.js';
import { error, isReply, noContent, ok } from './replies.js';
import { defaultSite, isPlainObject } from './rules.js';
import type { Store } from './store.js';
import type { Reply } from './types.js';

export function sites(store: Store, caller: Caller, tenantName: string, code?: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  const all = store.tenants.get(tenantName)?.sites ?? [];
  if (code === undefined) return ok(all);
  const site = all.find((s) => s.code === code);
  return site ? ok(site) : error(404, `Site ${code} not found`);
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
  const type = typeof body.type === 'string' ? body.type : 'shopping';
  const sessionId = auth.sessionId;
  for (const cart of store.carts.values()) {
    if (cart.tenant === tenantName && cart.status === 'OPEN' && cart.type === type && sessionId && cart.sessionId === sessionId) {
      return error(409, 'An open cart of this type already exists for the session');
    }
  }
  const id = randomBytes(12).toString('hex');
  store.carts.set(id, { id, tenant: tenantName, sessionId, customerId: auth.customerId, siteCode, currency: body.currency, type, status: 'OPEN' });
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
  return { status: 201, body: { cartId: id, yrn: `urn:yaas:saasag:caasproduct:carts:${tenantName};${id}` }, headers: { location: `/cart/${tenantName}/carts/${id}` } };
}

export function deleteCart(store: Store, caller: Caller, tenantName: string, cartId: string): Reply {
  const auth = neighbourAccess(store, caller, tenantName);
  if (isReply(auth)) return auth;
  const cart = store.carts.get(cartId);
  if (!cart || cart.tenant !== tenantName) return error(404, `Cart ${cartId} not found`);
  const owns =
    auth.kind === 'service'
      ? auth.scopes.includes(CART_SCOPE)
      : cart.sessionId === auth.sessionId || (cart.customerId !== undefined && cart.customerId === auth.customerId);
  if (!owns) return error(403, 'Not allowed to delete this cart');
  store.carts.delete(cartId);
  return noContent();
}
