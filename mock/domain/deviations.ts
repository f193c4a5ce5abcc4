/**
 * Named departures from the documented behaviour. Each is a branch in the mock's rules
 * (`service.deviates(name)`), switched on with `--deviation NAME` or `MOCK_DEVIATION`.
 * `violates` lists the requirement IDs (fixtures/requirements.json) whose tests must catch it;
 * `settings` pins mock settings the deviation needs in order to be observable.
 */
import type { MockSettings } from './types.js';

export interface Deviation {
  name: string;
  area: string;
  description: string;
  violates: string[];
  settings?: Partial<Pick<MockSettings, 'contextCreation' | 'specVersion' | 'staleVersionStatus'>>;
}

export const DEVIATIONS: Deviation[] = [
  // optimistic locking
  { name: 'version-ignored', area: 'locking', description: 'PATCH and PUT accept any metadata.version', violates: ['SC-VERSION-01', 'SC-VERSION-02', 'SC-VERSION-09', 'SC-MGMT-PUT-03'] },
  { name: 'version-not-raised', area: 'locking', description: 'a successful write leaves metadata.version as it was', violates: ['SC-VERSION-07', 'SC-VERSION-09'] },
  { name: 'version-raised-by-two', area: 'locking', description: 'a successful write adds 2 to metadata.version', violates: ['SC-VERSION-07'] },
  { name: 'lost-update', area: 'locking', description: 'version check and write are not atomic: concurrent PATCHes with one version all succeed', violates: ['SC-VERSION-09'] },
  { name: 'stale-version-ignored-silently', area: 'locking', description: 'a stale PATCH answers 204 and changes nothing', violates: ['SC-VERSION-01', 'SC-VERSION-02'] },
  { name: 'missing-metadata-accepted', area: 'locking', description: 'PATCH without metadata is applied', violates: ['SC-VERSION-03'] },
  { name: 'modified-at-frozen', area: 'locking', description: 'metadata.modifiedAt never moves after creation', violates: ['SC-VERSION-08'] },
  { name: 'created-at-moves', area: 'locking', description: 'metadata.createdAt is reset on every write', violates: ['SC-VERSION-08', 'SC-PATCH-IGNORED-04'] },
  // PATCH whitelist
  { name: 'protected-field-applied', area: 'whitelist', description: 'PATCH applies customerId and cartId', violates: ['SC-PATCH-IGNORED-02', 'SC-PATCH-IGNORED-03'] },
  { name: 'whitelisted-field-dropped', area: 'whitelist', description: 'PATCH ignores currency', violates: ['SC-PATCH-WHITELIST-02'] },
  { name: 'language-dropped', area: 'whitelist', description: 'PATCH ignores language although the 2026-04 spec whitelists it', violates: ['SC-PATCH-WHITELIST-05'], settings: { specVersion: '2026-04' } },
  { name: 'context-merged', area: 'whitelist', description: 'PATCH merges context into the stored map instead of replacing it', violates: ['SC-PATCH-CONTEXT-01'] },
  { name: 'metadata-applied', area: 'whitelist', description: 'PATCH takes metadata.createdAt from the body', violates: ['SC-PATCH-IGNORED-04', 'SC-VERSION-08'] },
  { name: 'unknown-field-rejected', area: 'whitelist', description: 'PATCH answers 400 to a field outside the whitelist', violates: ['SC-PATCH-IGNORED-06'] },
  // tenant checks
  { name: 'tenant-uppercase-accepted', area: 'tenant', description: 'a tenant name with upper-case letters skips every tenant check', violates: ['SC-TENANT-01'] },
  { name: 'tenant-length-unchecked', area: 'tenant', description: 'a tenant name of the right pattern but wrong length skips every tenant check', violates: ['SC-TENANT-01'] },
  { name: 'tenant-mismatch-served', area: 'tenant', description: "a path tenant other than the token's is served with the token's data", violates: ['SC-TENANT-02'] },
  { name: 'tenant-invalid-500', area: 'tenant', description: 'an invalid tenant name answers 500', violates: ['SC-TENANT-01'] },
  // 404s
  { name: 'missing-context-200', area: 'not-found', description: 'a session without a context answers 200 with a blank context', violates: ['SC-404-01', 'SC-404-03'], settings: { contextCreation: 'cart' } },
  { name: 'not-found-body-bare', area: 'not-found', description: '404 bodies lack code, message and sessionId', violates: ['SC-SCHEMA-03'] },
  // response shapes
  { name: 'version-as-string', area: 'shape', description: 'metadata.version is a string', violates: ['SC-SCHEMA-01'] },
  { name: 'session-id-missing', area: 'shape', description: 'GET omits sessionId', violates: ['SC-SCHEMA-01', 'SC-SCHEMA-02', 'SC-GET-01'] },
  { name: 'patch-answers-200', area: 'shape', description: 'a successful PATCH answers 200 with the resource', violates: ['SC-PATCH-01'] },
  { name: 'attribute-post-204', area: 'shape', description: 'own attribute POST answers 204 with no body', violates: ['SC-ATTR-01'] },
  { name: 'fault-body-plain', area: 'shape', description: '401 bodies are ErrorMessage, not the gateway fault', violates: ['SC-AUTH-01'] },
  // default derivation
  { name: 'anonymous-wrong-site', area: 'derivation', description: 'an anonymous session starts on a non-default site', violates: ['SC-DERIVE-ANON-01'] },
  { name: 'login-params-ignored', area: 'derivation', description: 'anonymous-login parameters do not reach the context', violates: ['SC-DERIVE-ANON-04'], settings: { specVersion: '2026-04' } },
  { name: 'preferred-currency-ignored', area: 'derivation', description: "the customer's preferredCurrency is ignored", violates: ['SC-DERIVE-CUST-01'] },
  { name: 'preferred-site-ignored', area: 'derivation', description: "the customer's preferredSite is ignored", violates: ['SC-DERIVE-CUST-03'] },
  { name: 'billing-before-shipping', area: 'derivation', description: 'targetLocation prefers the billing address over the shipping address', violates: ['SC-DERIVE-CUST-05'] },
  { name: 'address-fallback-skipped', area: 'derivation', description: "targetLocation is always the home-base country, never an address's", violates: ['SC-DERIVE-CUST-05', 'SC-DERIVE-CUST-06'] },
  // auth
  { name: 'unknown-token-accepted', area: 'auth', description: 'an unknown bearer token is taken as a fresh anonymous session', violates: ['SC-AUTH-01'] },
  { name: 'management-accepts-storefront-token', area: 'auth', description: 'management endpoints accept anonymous and customer tokens', violates: ['SC-AUTH-02'] },
  { name: 'scope-not-checked', area: 'auth', description: 'management endpoints accept a service token without sessioncontext.context_manage', violates: ['SC-AUTH-03'] },
  { name: 'logout-keeps-token', area: 'auth', description: 'logout leaves the customer token valid', violates: ['SC-AUTH-04'] },
  // attributes and lifecycle
  { name: 'attribute-delete-noop', area: 'attributes', description: 'attribute DELETE answers 204 and keeps the attribute', violates: ['SC-ATTR-03', 'SC-MGMT-ATTR-02'] },
  { name: 'missing-attribute-delete-204', area: 'attributes', description: 'deleting an absent attribute answers 204', violates: ['SC-ATTR-04'] },
  { name: 'login-new-session', area: 'lifecycle', description: 'customer login starts a new session id', violates: ['SC-LIFE-01'] },
  { name: 'refresh-new-session', area: 'lifecycle', description: 'anonymous refresh starts a new session id', violates: ['SC-LIFE-04'] },
  { name: 'login-drops-cart', area: 'lifecycle', description: "customer login clears the context's cartId", violates: ['SC-LIFE-02'] },
  { name: 'cart-id-not-set', area: 'lifecycle', description: 'cart creation does not write cartId into the context', violates: ['SC-CART-01'] },
  { name: 'upsert-ignored', area: 'management', description: 'PUT ?upsert=true on a missing context answers 404', violates: ['SC-MGMT-PUT-04'] },
  { name: 'put-saas-token-rejected', area: 'management', description: "PUT on a customer's context rejects the customer's own saas-token", violates: ['SC-MGMT-PUT-06'] },
  // bad input
  { name: 'bad-json-500', area: 'input', description: 'a body that is not JSON answers 500', violates: ['SC-VERSION-06'] },
  { name: 'proto-attribute-500', area: 'input', description: 'an attribute named __proto__ answers 500', violates: ['SC-INPUT-01'] },
];
