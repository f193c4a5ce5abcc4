/**
 * Who may call what: the bearer token, the tenant in the path, the management scope. One wording per error
 * (replies.ts). Every check answers either the caller's token record or the Reply that refuses it.
 */
import { error, invalidToken, isReply, MESSAGES, wrongTenant } from './replies.js';
import { tenantProblem } from './rules.js';
import type { ManagementTarget, OwnOperation } from './hooks.js';
import type { Store } from './store.js';
import type { Reply, TokenRecord } from './types.js';

export const MANAGE_SCOPE = 'sessioncontext.context_manage';
export const CART_SCOPE = 'cart.cart_manage';

export interface Caller {
  authorization?: string;
  saasToken?: string;
}

/** SC-AUTH-01, SC-SCHEMA-04: `Authorization: Bearer <known token>`; anything else is the gateway's 401 fault (§4). */
export function authenticate(store: Store, caller: Caller): TokenRecord | Reply {
  const match = /^Bearer (\S+)$/i.exec((caller.authorization ?? '').trim());
  const record = match ? store.tokens.get(match[1]) : undefined;
  if (record && !record.revoked) return record;
  const accepted = match && !record ? store.dev.unknownToken?.(store) : undefined;
  if (accepted) return accepted;
  const refused = invalidToken();
  return store.dev.unauthorized?.(refused) ?? refused;
}

/** SC-TENANT-01, SC-TENANT-02, SC-TENANT-03: the tenant path checks shared by every Session Context operation. */
export function checkTenant(store: Store, auth: TokenRecord, tenantName: string): Reply | undefined {
  if (store.dev.tenantGuard?.(tenantName) === 'accept') return undefined;
  const problem = tenantProblem(tenantName, auth.tenant);
  const reply = problem === 'malformed' ? error(400, MESSAGES.invalidTenant) : problem === 'foreign' ? wrongTenant() : undefined;
  return store.dev.afterTenantCheck ? store.dev.afterTenantCheck(reply) : reply;
}

/** The neighbouring services (sites, carts, /me) only check that the token is of the path's tenant. */
export function neighbourAccess(store: Store, caller: Caller, tenantName: string): TokenRecord | Reply {
  const auth = authenticate(store, caller);
  if (isReply(auth)) return auth;
  return auth.tenant === tenantName ? auth : wrongTenant();
}

/**
 * SC-GET-01, SC-AUTH-06: own endpoints (/me/context) take an anonymous or customer token, whose session is the
 * one addressed; a service token belongs to no session.
 */
export function ownAccess(store: Store, caller: Caller, tenantName: string, op: OwnOperation): { auth: TokenRecord; sessionId: string } | Reply {
  const auth = authenticate(store, caller);
  if (isReply(auth)) return auth;
  const bad = checkTenant(store, auth, tenantName);
  if (bad) return bad;
  const guard = store.dev.ownGuard?.(op, auth, store);
  if (guard) return guard;
  if (auth.kind === 'service' || !auth.sessionId) return error(403, MESSAGES.storefrontTokenRequired);
  return { auth, sessionId: auth.sessionId };
}

/** SC-AUTH-02, SC-AUTH-03: management endpoints take a service token with `sessioncontext.context_manage`. */
export function managementAccess(store: Store, caller: Caller, tenantName: string, target: ManagementTarget): TokenRecord | Reply {
  const auth = authenticate(store, caller);
  if (isReply(auth)) return auth;
  const bad = checkTenant(store, auth, tenantName);
  if (bad) return bad;
  const problem = auth.kind !== 'service' ? 'not-service' : !auth.scopes.includes(MANAGE_SCOPE) ? 'no-scope' : undefined;
  if (!problem || store.dev.managementGuard?.(problem, auth, target) === 'accept') return auth;
  return problem === 'not-service' ? error(403, MESSAGES.serviceTokenRequired) : error(403, `Scope ${MANAGE_SCOPE} required`);
}
