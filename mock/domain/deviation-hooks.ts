/**
 * What each deviation of the catalogue (deviations.ts) does, as hooks on the faithful flow (hooks.ts): a guard
 * before a rule or a step after it. The table is keyed by `DeviationName`, so every catalogued deviation must
 * have an entry and an unknown name does not compile.
 */
import { randomUUID } from 'node:crypto';
import type { DeviationName } from './deviations.js';
import type { Hooks } from './hooks.js';
import { INTERPLAY_HOOKS } from './deviation-hooks-interplay.js';
import { EDGE_HOOKS } from './deviation-hooks-edges.js';
import { EFFECT_HOOKS } from './deviation-hooks-effects.js';
import { error, internalError, noContent, ok } from './replies.js';
import { defaultSite, deriveAnonymous, isPlainObject, isWellFormedTenant, nextTimestamp, pickFields, readVersion, TENANT_PATTERN } from './rules.js';

const homeBase = (sites: Parameters<typeof defaultSite>[0]) => defaultSite(sites)?.homeBase?.address?.country;
const swapTag = (t: string) => (t === 'BILLING' ? 'SHIPPING' : t === 'SHIPPING' ? 'BILLING' : t);
const without = (changes: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(changes).filter(([k]) => k !== field));

export const DEVIATION_HOOKS: { readonly [N in DeviationName]: Hooks } = {
  // optimistic locking
  'version-ignored': { staleGuard: () => 'proceed' },
  'version-not-raised': { afterTouch: (r, before) => void (r.version = before.version) },
  'version-raised-by-two': { afterTouch: (r, _before, bumped) => void (bumped && (r.version += 1)) },
  'lost-update': { beforePatchWrite: () => new Promise((resolve) => setTimeout(resolve, 50)) },
  'stale-version-ignored-silently': { staleGuard: (op) => (op === 'patch' ? noContent() : undefined) },
  'missing-metadata-accepted': { versionProblem: (p) => (p === 'missing-metadata' ? 'tolerate' : undefined) },
  'modified-at-frozen': { afterTouch: (r, before) => void (r.modifiedAt = before.modifiedAt) },
  'created-at-moves': { afterTouch: (r) => void (r.createdAt = r.modifiedAt) },
  'stale-message-reworded': {
    staleGuard: (_op, { store, record }) => error(store.settings.staleVersionStatus, `Session context ${record.sessionId} was modified concurrently`, { sessionId: record.sessionId }),
  },
  'version-optional': { versionProblem: (p) => (p !== 'missing-metadata' ? 'tolerate' : undefined) },
  // PATCH whitelist
  'protected-field-applied': {
    afterPatch: (r, body) => {
      for (const field of ['sessionId', 'customerId', 'cartId'] as const) if (typeof body[field] === 'string') r[field] = body[field] as string;
    },
  },
  'whitelisted-field-dropped': { patchChanges: (c) => without(c, 'currency') },
  'language-dropped': { patchChanges: (c) => without(c, 'language') },
  'patch-clears-unsent': { patchChanges: (c) => ({ targetLocation: undefined, ...c }) },
  'context-merged': { afterPatch: (r, _body, before) => void (r.context = new Map([...before.context, ...r.context])) },
  'metadata-applied': {
    afterPatch: (r, body) => {
      if (!isPlainObject(body.metadata)) return;
      if (typeof body.metadata.createdAt === 'string') r.createdAt = body.metadata.createdAt;
      if (typeof body.metadata.modifiedAt === 'string') r.modifiedAt = body.metadata.modifiedAt;
    },
  },
  'unknown-field-rejected': {
    patchGuard: (body, whitelist) => {
      const known = new Set([...whitelist, 'metadata', 'sessionId', 'customerId', 'cartId']);
      const unknown = Object.keys(body).find((k) => !known.has(k));
      return unknown ? error(400, `Unknown field ${unknown}`) : undefined;
    },
  },
  'patch-applies-nothing': { patchChanges: () => ({}) },
  'language-in-2022-11': {
    whitelist: (fields) => (fields.includes('language') ? fields : [...fields, 'language']),
    afterRender: (out, r) => void (r.language !== undefined && (out.language = r.language)),
  },
  // tenant checks
  'tenant-uppercase-accepted': { tenantGuard: (t) => (/[A-Z]/.test(t) ? 'accept' : undefined) },
  'tenant-length-unchecked': { tenantGuard: (t) => (TENANT_PATTERN.test(t) && !isWellFormedTenant(t) ? 'accept' : undefined) },
  'tenant-mismatch-served': { tenantGuard: (t) => (isWellFormedTenant(t) ? 'accept' : undefined) },
  'tenant-invalid-500': { afterTenantCheck: (reply) => (reply?.status === 400 ? internalError() : reply) },
  'own-tenant-rejected': { afterTenantCheck: (reply) => reply ?? error(403, 'The token does not belong to this tenant') },
  // 404s
  'missing-context-200': {
    missingContext: (_reply, sessionId) => {
      const now = nextTimestamp();
      return ok({ sessionId, metadata: { version: 0, createdAt: now, modifiedAt: now } });
    },
  },
  'not-found-body-bare': { notFound: () => ({ status: 404, body: { error: 'not found' } }) },
  'missing-context-204': { missingContext: () => noContent() },
  'patch-creates-context': {
    patchOnMissing: (store, tenant, sessionId) => store.createContext(tenant, sessionId, deriveAnonymous(store.tenants.get(tenant)!.sites)),
  },
  // response shapes
  'version-as-string': { afterRender: (out) => void (out.metadata = { ...(out.metadata as object), version: String((out.metadata as { version: number }).version) }) },
  'session-id-missing': { afterRender: (out) => void delete out.sessionId },
  'patch-answers-200': { patchReply: (_reply, store, r) => ok(store.render(r)) },
  'attribute-post-204': { ownAttributeReply: () => noContent() },
  'fault-body-plain': { unauthorized: () => error(401, 'Unauthorized') },
  // default derivation
  'anonymous-wrong-site': {
    anonymousInput: (sites, params) => {
      const other = sites.find((s) => !s.default) ?? sites[0];
      return { sites: [{ ...other, default: true }], params };
    },
  },
  'login-params-ignored': { anonymousInput: (sites) => ({ sites, params: {} }) },
  'preferred-currency-ignored': { customerInput: (p) => ({ ...p, preferredCurrency: undefined }) },
  'preferred-site-ignored': { customerInput: (p) => ({ ...p, preferredSite: undefined }) },
  'billing-before-shipping': { customerInput: (p) => ({ ...p, addresses: (p.addresses ?? []).map((a) => ({ ...a, tags: (a.tags ?? []).map(swapTag) })) }) },
  'address-fallback-skipped': { afterCustomerDerived: (d, sites) => ({ ...d, targetLocation: homeBase(sites) }) },
  'currency-fallback-preferred-site': {
    afterCustomerDerived: (d, sites, p) => (p.preferredCurrency ? d : { ...d, currency: sites.find((s) => s.code === d.siteCode)?.currency ?? d.currency }),
  },
  'site-fallback-wrong': { afterCustomerDerived: (d, sites, p) => (p.preferredSite ? d : { ...d, siteCode: sites.find((s) => !s.default)?.code ?? d.siteCode }) },
  'no-address-ship-to': {
    afterCustomerDerived: (d, sites, p) => {
      const hasAddress = (p.addresses ?? []).some((a) => (a.tags ?? []).some((t) => t === 'SHIPPING' || t === 'BILLING'));
      return hasAddress ? d : { ...d, targetLocation: defaultSite(sites)?.shipToCountries?.at(-1) };
    },
  },
  // auth
  'unknown-token-accepted': { unknownToken: (store) => ({ kind: 'anonymous', tenant: store.primaryTenant(), clientId: '', sessionId: randomUUID(), scopes: [], revoked: false }) },
  'management-accepts-storefront-token': { managementGuard: (p) => (p === 'not-service' ? 'accept' : undefined) },
  'scope-not-checked': { managementGuard: (p) => (p === 'no-scope' ? 'accept' : undefined) },
  'logout-keeps-token': { afterLogout: (t) => void (t.revoked = false) },
  // attributes and lifecycle
  'anonymous-customer-id': { afterCreate: (r) => void (r.customerId ??= 'anonymous') },
  'attribute-string-value-rejected': { attributeGuard: (body) => (typeof body.value === 'string' ? error(400, 'value must be an object') : undefined) },
  'attribute-needs-version': { attributeGuard: (body) => (typeof readVersion(body) !== 'number' ? error(400, 'metadata.version is required') : undefined) },
  'login-customer-id-missing': { afterLogin: ({ record }) => void (record && (record.customerId = undefined)) },
  'refresh-token-reused': {
    afterRefresh: ({ store, body, refresh, sent }) => {
      refresh.used = false;
      store.refreshTokens.delete(body.refresh_token as string);
      body.refresh_token = sent;
    },
  },
  'attribute-delete-noop': { afterAttributeDelete: (r, name, before) => void r.context.set(name, before.context.get(name)) },
  'missing-attribute-delete-204': { missingAttribute: () => noContent() },
  'login-new-session': {
    afterLogin: ({ store, tenant, token, record, body }) => {
      const sessionId = randomUUID();
      token.sessionId = sessionId;
      body.session_id = sessionId;
      if (record) Object.assign(store.createContext(tenant, sessionId, {}), { ...record, sessionId, context: new Map(record.context) });
    },
  },
  'refresh-new-session': {
    afterRefresh: ({ store, body }) => {
      const sessionId = randomUUID();
      body.sessionId = sessionId;
      store.tokens.get(body.access_token as string)!.sessionId = sessionId;
      store.refreshTokens.get(body.refresh_token as string)!.sessionId = sessionId;
    },
  },
  'login-drops-attributes': { afterLogin: ({ record }) => void (record && (record.context = new Map())) },
  'login-drops-cart': { afterLogin: ({ record }) => void (record && (record.cartId = undefined)) },
  'cart-id-not-set': { afterCart: (r, before) => void (r.cartId = before.cartId) },
  'upsert-ignored': { upsert: () => false },
  'put-saas-token-rejected': { saasGuard: (token) => (token ? error(403, 'saas-token does not belong to the customer of this session context') : undefined) },
  'put-ignores-fields': { putChanges: () => ({}) },
  'put-creates-without-upsert': { upsert: () => true },
  'put-saas-token-optional': { saasGuard: (token) => (token ? undefined : 'accept') },
  'management-attribute-dropped': { afterManagementAttribute: (r, before) => void (r.context = before.context) },
  'management-attribute-orphan': { managementMissing: () => noContent() },
  // bad input
  'bad-json-500': { badBody: (reply, code) => (code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? internalError() : reply) },
  'large-value-500': { attributeGuard: (body) => (JSON.stringify(body.value ?? null).length > 10_000 ? error(500, 'Value too large for the store') : undefined) },
  'proto-attribute-500': { attributeGuard: (body) => (body.key === '__proto__' ? internalError() : undefined) },
  // crash classes found by fuzzing
  'deep-nesting-breaks-reads': { depthLimit: () => Number.POSITIVE_INFINITY },
  'repeated-param-500': { repeatedParameter: () => internalError() },
  'put-drops-mistyped': {
    putInput: (body, fields) =>
      Object.fromEntries(Object.entries(body).filter(([k, v]) => !fields.includes(k) || !('problem' in pickFields({ [k]: v }, [k])))),
  },
  ...INTERPLAY_HOOKS,
  ...EDGE_HOOKS,
  ...EFFECT_HOOKS,
};

export function hooksFor(deviation: DeviationName | undefined): Hooks {
  return deviation ? DEVIATION_HOOKS[deviation] : {};
}
