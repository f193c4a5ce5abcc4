/**
 * The catalogue of named departures from the documented behaviour, switched on with `--deviation NAME` or
 * `MOCK_DEVIATION`. `violates` lists the requirement IDs (fixtures/requirements.json) whose tests must catch it;
 * `settings` pins mock settings the deviation needs in order to be observable. The names form the type
 * `DeviationName`, so an unknown name does not compile; what each one does is its entry in
 * mock/domain/deviation-hooks.ts (a guard before a rule or a step after it, never a branch inside one).
 */
import type { MockSettings } from './types.js';

interface CatalogueEntry {
  name: string;
  area: string;
  description: string;
  violates: readonly string[];
  settings?: Partial<Pick<MockSettings, 'contextCreation' | 'specVersion' | 'staleVersionStatus'>>;
}

const CATALOGUE = [
  // optimistic locking
  { name: 'version-ignored', area: 'locking', description: 'PATCH and PUT accept any metadata.version', violates: ['SC-VERSION-01', 'SC-VERSION-02', 'SC-VERSION-09', 'SC-MGMT-PUT-03'] },
  { name: 'version-not-raised', area: 'locking', description: 'a successful write leaves metadata.version as it was', violates: ['SC-VERSION-07', 'SC-VERSION-09', 'SC-MGMT-PUT-02'] },
  { name: 'version-raised-by-two', area: 'locking', description: 'a successful write adds 2 to metadata.version', violates: ['SC-VERSION-07', 'SC-MGMT-PUT-02'] },
  { name: 'lost-update', area: 'locking', description: 'version check and write are not atomic: concurrent PATCHes with one version all succeed', violates: ['SC-VERSION-09'] },
  { name: 'stale-version-ignored-silently', area: 'locking', description: 'a stale PATCH answers 204 and changes nothing', violates: ['SC-VERSION-01', 'SC-VERSION-02'] },
  { name: 'missing-metadata-accepted', area: 'locking', description: 'PATCH without metadata is applied', violates: ['SC-VERSION-03'] },
  { name: 'modified-at-frozen', area: 'locking', description: 'metadata.modifiedAt never moves after creation', violates: ['SC-VERSION-08'] },
  { name: 'created-at-moves', area: 'locking', description: 'metadata.createdAt is reset on every write', violates: ['SC-VERSION-08', 'SC-PATCH-IGNORED-04'] },
  { name: 'stale-message-reworded', area: 'locking', description: 'a stale version is refused with a message that neither names the version nor says "has not been found"', violates: ['SC-VERSION-10'], settings: { staleVersionStatus: 404 } },
  { name: 'version-optional', area: 'locking', description: 'a write whose metadata has no integer version is applied unchecked', violates: ['SC-VERSION-04', 'SC-VERSION-05', 'SC-MGMT-PUT-07'] },
  // PATCH whitelist
  { name: 'protected-field-applied', area: 'whitelist', description: 'PATCH applies sessionId, customerId and cartId', violates: ['SC-PATCH-IGNORED-01', 'SC-PATCH-IGNORED-02', 'SC-PATCH-IGNORED-03'] },
  { name: 'whitelisted-field-dropped', area: 'whitelist', description: 'PATCH ignores currency', violates: ['SC-PATCH-WHITELIST-02'] },
  { name: 'language-dropped', area: 'whitelist', description: 'PATCH ignores language although the 2026-04 spec whitelists it', violates: ['SC-PATCH-WHITELIST-05'], settings: { specVersion: '2026-04' } },
  { name: 'patch-clears-unsent', area: 'whitelist', description: 'PATCH clears targetLocation when the body does not carry it', violates: ['SC-PATCH-02'] },
  { name: 'context-merged', area: 'whitelist', description: 'PATCH merges context into the stored map instead of replacing it', violates: ['SC-PATCH-CONTEXT-01'] },
  { name: 'metadata-applied', area: 'whitelist', description: 'PATCH takes metadata.createdAt and modifiedAt from the body', violates: ['SC-PATCH-IGNORED-04', 'SC-PATCH-IGNORED-05', 'SC-VERSION-08'] },
  { name: 'unknown-field-rejected', area: 'whitelist', description: 'PATCH answers 400 to a field outside the whitelist', violates: ['SC-PATCH-IGNORED-06'] },
  { name: 'patch-applies-nothing', area: 'whitelist', description: 'PATCH answers 204 and applies no field', violates: ['SC-PATCH-WHITELIST-01', 'SC-PATCH-WHITELIST-02', 'SC-PATCH-WHITELIST-03', 'SC-PATCH-WHITELIST-04', 'SC-PATCH-WHITELIST-05'] },
  { name: 'language-in-2022-11', area: 'whitelist', description: 'under the 2022-11 contract PATCH still applies and shows language', violates: ['SC-PATCH-IGNORED-07'], settings: { specVersion: '2022-11' } },
  // tenant checks
  { name: 'tenant-uppercase-accepted', area: 'tenant', description: 'a tenant name with upper-case letters skips every tenant check', violates: ['SC-TENANT-01'] },
  { name: 'tenant-length-unchecked', area: 'tenant', description: 'a tenant name of the right pattern but wrong length skips every tenant check', violates: ['SC-TENANT-01'] },
  { name: 'tenant-mismatch-served', area: 'tenant', description: "a path tenant other than the token's is served with the token's data", violates: ['SC-TENANT-02'] },
  { name: 'tenant-invalid-500', area: 'tenant', description: 'an invalid tenant name answers 500', violates: ['SC-TENANT-01'] },
  { name: 'own-tenant-rejected', area: 'tenant', description: "the token's own tenant is rejected", violates: ['SC-TENANT-03'] },
  // 404s
  { name: 'missing-context-200', area: 'not-found', description: 'a session without a context answers 200 with a blank context', violates: ['SC-404-01', 'SC-404-03'], settings: { contextCreation: 'cart' } },
  { name: 'not-found-body-bare', area: 'not-found', description: '404 bodies lack code, message and sessionId', violates: ['SC-SCHEMA-03'] },
  { name: 'missing-context-204', area: 'not-found', description: 'a session without a context answers 204 with no body', violates: ['SC-CART-02', 'SC-404-01'], settings: { contextCreation: 'cart' } },
  { name: 'patch-creates-context', area: 'not-found', description: 'PATCH on a session without a context creates one', violates: ['SC-404-02'], settings: { contextCreation: 'cart' } },
  // response shapes
  { name: 'version-as-string', area: 'shape', description: 'metadata.version is a string', violates: ['SC-SCHEMA-01'] },
  { name: 'session-id-missing', area: 'shape', description: 'GET omits sessionId', violates: ['SC-SCHEMA-01', 'SC-SCHEMA-02', 'SC-GET-01'] },
  { name: 'patch-answers-200', area: 'shape', description: 'a successful PATCH answers 200 with the resource', violates: ['SC-PATCH-01'] },
  { name: 'attribute-post-204', area: 'shape', description: 'own attribute POST answers 204 with no body', violates: ['SC-ATTR-01'] },
  { name: 'fault-body-plain', area: 'shape', description: '401 bodies are ErrorMessage, not the gateway fault', violates: ['SC-AUTH-01', 'SC-SCHEMA-04'] },
  // default derivation
  { name: 'anonymous-wrong-site', area: 'derivation', description: 'an anonymous session starts on a non-default site', violates: ['SC-DERIVE-ANON-01', 'SC-DERIVE-ANON-02', 'SC-DERIVE-ANON-03'] },
  { name: 'login-params-ignored', area: 'derivation', description: 'anonymous-login parameters do not reach the context', violates: ['SC-DERIVE-ANON-04'], settings: { specVersion: '2026-04' } },
  { name: 'preferred-currency-ignored', area: 'derivation', description: "the customer's preferredCurrency is ignored", violates: ['SC-DERIVE-CUST-01'] },
  { name: 'preferred-site-ignored', area: 'derivation', description: "the customer's preferredSite is ignored", violates: ['SC-DERIVE-CUST-03'] },
  { name: 'billing-before-shipping', area: 'derivation', description: 'targetLocation prefers the billing address over the shipping address', violates: ['SC-DERIVE-CUST-05'] },
  { name: 'address-fallback-skipped', area: 'derivation', description: "targetLocation is always the home-base country, never an address's", violates: ['SC-DERIVE-CUST-05', 'SC-DERIVE-CUST-06'] },
  { name: 'currency-fallback-preferred-site', area: 'derivation', description: "without preferredCurrency the preferred site's currency is used, not the default site's", violates: ['SC-DERIVE-CUST-02'] },
  { name: 'site-fallback-wrong', area: 'derivation', description: 'without preferredSite a non-default site is used', violates: ['SC-DERIVE-CUST-04'] },
  { name: 'no-address-ship-to', area: 'derivation', description: "without addresses targetLocation is a ship-to country, neither home base nor empty", violates: ['SC-DERIVE-CUST-07'] },
  // auth
  { name: 'unknown-token-accepted', area: 'auth', description: 'an unknown bearer token is taken as a fresh anonymous session', violates: ['SC-AUTH-01', 'SC-SCHEMA-04'] },
  { name: 'management-accepts-storefront-token', area: 'auth', description: 'management endpoints accept anonymous and customer tokens', violates: ['SC-AUTH-02'] },
  { name: 'scope-not-checked', area: 'auth', description: 'management endpoints accept a service token without sessioncontext.context_manage', violates: ['SC-AUTH-03'] },
  { name: 'logout-keeps-token', area: 'auth', description: 'logout leaves the customer token valid', violates: ['SC-AUTH-04'] },
  // attributes and lifecycle
  { name: 'anonymous-customer-id', area: 'shape', description: 'an anonymous context carries customerId "anonymous"', violates: ['SC-GET-02'] },
  { name: 'attribute-string-value-rejected', area: 'attributes', description: 'string attribute values get 400 (the Context schema read literally)', violates: ['SC-ATTR-02'] },
  { name: 'attribute-needs-version', area: 'attributes', description: 'attribute writes without metadata.version get 400', violates: ['SC-ATTR-06'] },
  { name: 'login-customer-id-missing', area: 'lifecycle', description: 'customer login does not set customerId in the context', violates: ['SC-LIFE-03', 'SC-GET-02'] },
  { name: 'refresh-token-reused', area: 'lifecycle', description: 'anonymous refresh answers the same refresh token again', violates: ['SC-LIFE-05'] },
  { name: 'attribute-delete-noop', area: 'attributes', description: 'attribute DELETE answers 204 and keeps the attribute', violates: ['SC-ATTR-03', 'SC-ATTR-05', 'SC-MGMT-ATTR-02'] },
  { name: 'missing-attribute-delete-204', area: 'attributes', description: 'deleting an absent attribute answers 204', violates: ['SC-ATTR-04'] },
  { name: 'login-new-session', area: 'lifecycle', description: 'customer login starts a new session id', violates: ['SC-LIFE-01', 'SC-LIFE-02'] },
  { name: 'refresh-new-session', area: 'lifecycle', description: 'anonymous refresh starts a new session id', violates: ['SC-LIFE-04'] },
  { name: 'login-drops-attributes', area: 'lifecycle', description: "customer login empties the context's custom attributes", violates: ['SC-LIFE-08'] },
  { name: 'login-drops-cart', area: 'lifecycle', description: "customer login clears the context's cartId", violates: ['SC-LIFE-02'] },
  { name: 'cart-id-not-set', area: 'lifecycle', description: 'cart creation does not write cartId into the context', violates: ['SC-CART-01', 'SC-LIFE-02'] },
  { name: 'upsert-ignored', area: 'management', description: 'PUT ?upsert=true on a missing context answers 404', violates: ['SC-MGMT-PUT-04'], settings: { contextCreation: 'cart' } },
  { name: 'put-saas-token-rejected', area: 'management', description: "PUT on a customer's context rejects the customer's own saas-token", violates: ['SC-MGMT-PUT-06'] },
  { name: 'put-ignores-fields', area: 'management', description: 'PUT answers 204 and applies nothing', violates: ['SC-MGMT-PUT-01'] },
  { name: 'put-creates-without-upsert', area: 'management', description: 'PUT without upsert creates a missing context', violates: ['SC-MGMT-PUT-05'] },
  { name: 'put-saas-token-optional', area: 'management', description: "PUT on a customer's context without saas-token is accepted", violates: ['SC-MGMT-PUT-08'] },
  { name: 'management-attribute-dropped', area: 'management', description: 'management attribute POST answers 204 and stores nothing', violates: ['SC-MGMT-ATTR-01'] },
  { name: 'management-attribute-orphan', area: 'management', description: 'management attribute POST and DELETE on an unknown session answer 204', violates: ['SC-MGMT-ATTR-03', 'SC-MGMT-ATTR-04'] },
  // bad input
  { name: 'bad-json-500', area: 'input', description: 'a body that is not JSON answers 500', violates: ['SC-VERSION-06'] },
  { name: 'large-value-500', area: 'input', description: 'attribute values over 10 000 characters answer 500', violates: ['SC-INPUT-02'] },
  { name: 'proto-attribute-500', area: 'input', description: 'an attribute named __proto__ answers 500', violates: ['SC-INPUT-01'] },
  // crash classes found by fuzzing (issue 8): each one a mock that the awkward-input tests must catch
  { name: 'deep-nesting-breaks-reads', area: 'input', description: 'no depth limit: a value nested thousands of levels deep is stored, and every later read of the context answers 500', violates: ['SC-INPUT-02'] },
  { name: 'repeated-param-500', area: 'input', description: 'a repeated query parameter (expand=a&expand=b, siteCode=a&siteCode=b) answers 500', violates: ['SC-HTTP-01'] },
  { name: 'put-drops-mistyped', area: 'input', description: 'PUT answers 204 and silently drops whitelisted fields of the wrong type, where PATCH answers 400', violates: ['SC-MGMT-PUT-01'] },
  // interplay and bad input (issue 10 §4): effects that depend on the rest of the body
  { name: 'protected-field-voids-patch', area: 'interplay', description: 'a PATCH that also carries sessionId, customerId or cartId answers 204 and applies none of its fields', violates: ['SC-PATCH-WHITELIST-01', 'SC-PATCH-WHITELIST-02', 'SC-PATCH-WHITELIST-03', 'SC-PATCH-WHITELIST-04', 'SC-PATCH-IGNORED-01'] },
  { name: 'patch-keys-case-insensitive', area: 'interplay', description: 'PATCH binds field names case-insensitively: Currency or SITECODE is applied', violates: ['SC-PATCH-IGNORED-06'] },
  { name: 'metadata-key-case-insensitive', area: 'interplay', description: 'a body without metadata has its Metadata or METADATA read as metadata', violates: ['SC-VERSION-03'] },
  { name: 'empty-context-kept', area: 'interplay', description: 'PATCH with an empty context map keeps the stored map', violates: ['SC-PATCH-CONTEXT-01', 'SC-PATCH-WHITELIST-04'] },
  { name: 'null-context-500', area: 'interplay', description: 'PATCH with "context": null answers 500', violates: ['SC-HTTP-01'] },
  { name: 'mixed-patch-saved-twice', area: 'interplay', description: 'a PATCH with context and another field saves twice and raises the version by 2', violates: ['SC-VERSION-07'] },
  { name: 'stale-patch-applied-then-rejected', area: 'interplay', description: 'a stale PATCH writes its fields, then answers the stale-version refusal', violates: ['SC-VERSION-01', 'SC-VERSION-02', 'SC-INPUT-03'] },
  { name: 'invalid-field-partially-applied', area: 'interplay', description: 'a PATCH refused for a mistyped field has applied the valid fields before it in body order', violates: ['SC-INPUT-03'] },
  // inputs the tables never send
  { name: 'version-fraction-truncated', area: 'input', description: 'a fractional metadata.version is truncated to an integer and accepted', violates: ['SC-VERSION-05', 'SC-MGMT-PUT-07'] },
  { name: 'version-overflow-500', area: 'input', description: 'a metadata.version beyond a 64-bit long answers 500', violates: ['SC-HTTP-01', 'SC-VERSION-05'] },
  { name: 'non-positive-version-unchecked', area: 'input', description: 'a metadata.version of 0 or below is read as unset and skips the version check', violates: ['SC-VERSION-01', 'SC-MGMT-PUT-03'] },
  { name: 'array-body-500', area: 'input', description: 'a JSON array where the PATCH or PUT object belongs answers 500', violates: ['SC-HTTP-01'] },
  { name: 'text-body-500', area: 'input', description: 'a PATCH or PUT body sent as text/plain reaches the handler as a string and answers 500', violates: ['SC-HTTP-01', 'SC-VERSION-06'] },
  { name: 'long-name-truncated', area: 'input', description: 'attribute names are stored cut to 255 characters', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01', 'SC-INPUT-01'] },
  { name: 'name-double-decoded', area: 'input', description: 'attribute DELETE percent-decodes the name a second time', violates: ['SC-ATTR-03', 'SC-MGMT-ATTR-02', 'SC-INPUT-01'] },
  { name: 'name-case-folded', area: 'input', description: 'attribute names are stored lower-cased', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01'] },
  { name: 'name-normalized', area: 'input', description: 'attribute names are trimmed and NFC-normalised on store', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01', 'SC-INPUT-01'] },
  { name: 'object-value-stringified', area: 'input', description: 'object attribute values are stored as their JSON text', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01'] },
  { name: 'empty-name-500', area: 'input', description: 'an attribute POST with an empty key answers 500', violates: ['SC-HTTP-01', 'SC-INPUT-01'] },
  { name: 'deep-value-500', area: 'input', description: 'attribute values nested deeper than 20 levels answer 500', violates: ['SC-HTTP-01', 'SC-INPUT-02'] },
  { name: 'proto-name-swallowed', area: 'input', description: 'an attribute named __proto__ is answered as stored but is not', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01', 'SC-INPUT-01'] },
  { name: 'upsert-skips-version', area: 'input', description: 'PUT ?upsert=true on an existing context skips the version check', violates: ['SC-MGMT-PUT-03'] },
  // concurrency beyond one PATCH race
  { name: 'put-version-race', area: 'concurrency', description: "PUT's version check and write are not atomic: concurrent writes with one version all succeed", violates: ['SC-VERSION-09', 'SC-MGMT-PUT-03'] },
  { name: 'attribute-map-shared', area: 'concurrency', description: 'new contexts share one attribute map (a mutable default): an attribute written to one shows in the others', violates: ['SC-ISOLATION-01'] },
  { name: 'patch-saves-loaded-map', area: 'concurrency', description: 'PATCH saves the whole document it loaded (the version check is atomic, the map is not): an attribute written while a PATCH without context is in flight is lost', violates: ['SC-CONC-02'] },
  { name: 'attribute-post-saves-loaded-map', area: 'concurrency', description: 'attribute POST loads the map, adds its attribute and saves the whole map back, without a lock: of attribute writes sent together one is lost', violates: ['SC-CONC-02', 'SC-ATTR-06'] },
  { name: 'put-checks-stale-replica', area: 'concurrency', description: "PUT checks the version on a replica that learns a PATCH's new version 200 ms late: a PATCH and a PUT with one version both succeed", violates: ['SC-CONC-01', 'SC-MGMT-PUT-03'] },
  // state across the session lifecycle
  { name: 'refresh-drops-cart', area: 'lifecycle', description: "anonymous refresh clears the context's cartId", violates: ['SC-LIFE-09'] },
  { name: 'refresh-clears-attributes', area: 'lifecycle', description: "anonymous refresh empties the context's custom attributes", violates: ['SC-LIFE-09'] },
  { name: 'login-recreates-context', area: 'lifecycle', description: 'customer login writes the context anew: cart and attributes copied, but metadata.version back to 1 and a new createdAt', violates: ['SC-LIFE-10'] },
  { name: 'refresh-recreates-context', area: 'lifecycle', description: 'anonymous refresh writes the context anew: cart and attributes copied, but metadata.version back to 1 and a new createdAt', violates: ['SC-LIFE-10'] },
  // the wrong kind of token
  { name: 'service-token-own-500', area: 'auth', description: 'an own-session operation with a service token answers 500', violates: ['SC-AUTH-06', 'SC-HTTP-01'] },
  { name: 'service-token-reads-first-context', area: 'auth', description: "GET /me/context with a service token answers some context of the tenant", violates: ['SC-AUTH-06'] },
  { name: 'owner-reads-managed-context', area: 'auth', description: "the management GET accepts a customer token on the customer's own session", violates: ['SC-AUTH-02'] },
  // reads that change state
  { name: 'read-touches-modified-at', area: 'read', description: 'every GET moves metadata.modifiedAt', violates: ['SC-READ-01'] },
  // protocol basics
  { name: 'attribute-delete-answers-200', area: 'protocol', description: 'attribute DELETE answers 200 with the remaining context', violates: ['SC-ATTR-03', 'SC-MGMT-ATTR-02'] },
  { name: 'attribute-name-as-text', area: 'protocol', description: 'own attribute POST answers the name as text/plain, unquoted', violates: ['SC-HTTP-02', 'SC-ATTR-01'] },
  { name: 'error-body-text-plain', area: 'protocol', description: 'Session Context error bodies are JSON sent as text/plain', violates: ['SC-HTTP-02'] },
  { name: 'error-body-framework', area: 'protocol', description: "the service answers a missing token itself with the framework's default 401 body {timestamp, status, error, path}: neither the gateway fault nor an ErrorMessage", violates: ['SC-HTTP-04'] },
  { name: 'context-as-entry-list', area: 'protocol', description: 'GET renders context as a list of {key, value} entries, [] when empty', violates: ['SC-HTTP-03', 'SC-SCHEMA-01'] },
  // the edges a live budget reaches only by its boundary examples (issue 13 §2; hooks in deviation-hooks-edges.ts)
  { name: 'null-field-500', area: 'edges', description: 'PATCH or PUT with a whitelisted field set to null answers 500', violates: ['SC-HTTP-01'] },
  { name: 'login-unknown-site-500', area: 'edges', description: 'anonymous login with a siteCode that is not a site of the tenant answers 500', violates: ['SC-HTTP-01'], settings: { contextCreation: 'login', specVersion: '2026-04' } },
  { name: 'login-currency-needs-site', area: 'edges', description: 'the currency login parameter is ignored unless siteCode is given too', violates: ['SC-DERIVE-ANON-04'], settings: { specVersion: '2026-04' } },
  { name: 'login-language-ignored', area: 'edges', description: 'the language login parameter does not reach the context', violates: ['SC-DERIVE-ANON-05'], settings: { specVersion: '2026-04' } },
  { name: 'attributes-capped-at-20', area: 'edges', description: 'a context keeps at most 20 custom attributes: a longer PATCH or PUT map is cut, an attribute POST beyond 20 is answered and dropped', violates: ['SC-PATCH-WHITELIST-04', 'SC-ATTR-02', 'SC-MGMT-ATTR-01', 'SC-MGMT-PUT-01'] },
  { name: 'attribute-names-case-insensitive', area: 'edges', description: 'attribute names are unique regardless of case (a case-insensitive collation): a POST of Color overwrites a stored color, a DELETE of Color removes color too', violates: ['SC-ATTR-02', 'SC-ATTR-03', 'SC-MGMT-ATTR-01', 'SC-MGMT-ATTR-02'] },
  { name: 'empty-string-value-nulled', area: 'edges', description: 'an attribute whose value is the empty string is stored as null', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01'] },
  { name: 'non-ascii-value-mangled', area: 'edges', description: 'attribute string values pass a Latin-1 column: characters beyond it come back as ?', violates: ['SC-ATTR-02', 'SC-MGMT-ATTR-01', 'SC-INPUT-01'] },
  { name: 'login-params-500', area: 'edges', description: 'anonymous login that carries session-context parameters answers 500 (contexts created at login)', violates: ['SC-HTTP-01', 'SC-DERIVE-ANON-04'], settings: { contextCreation: 'login', specVersion: '2026-04' } },
  // what an accepted write may change (issue 13 §2): side effects on fields the write did not send, caught by the
  // session ledger (tests/support/ledger.ts; hooks in deviation-hooks-effects.ts)
  { name: 'attribute-delete-clears-cart', area: 'effects', description: "attribute DELETE (own and management) answers 204, removes the attribute and also clears the context's cartId", violates: ['SC-ATTR-08'] },
  { name: 'management-attribute-drops-language', area: 'effects', description: 'management attribute POST saves the context through the 2022-11 model: language is lost', violates: ['SC-ATTR-08'], settings: { specVersion: '2026-04' } },
  { name: 'currency-patch-clears-location', area: 'effects', description: 'a PATCH that carries currency but not targetLocation clears targetLocation (re-derived from an absent address)', violates: ['SC-PATCH-02'] },
] as const satisfies readonly CatalogueEntry[];

export type DeviationName = (typeof CATALOGUE)[number]['name'];

export interface Deviation extends CatalogueEntry {
  name: DeviationName;
}

export const DEVIATIONS: readonly Deviation[] = CATALOGUE;

export function isDeviationName(name: string): name is DeviationName {
  return DEVIATIONS.some((d) => d.name === name);
}
