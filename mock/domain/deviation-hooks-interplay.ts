/**
 * The deviations of the interplay, bad-input and protocol kinds (issue 10): effects that depend on the rest of the
 * body, inputs the case tables never send, concurrency, state across the session lifecycle, the wrong kind of
 * token, reads that change state and protocol basics. Hooks on the faithful flow (hooks.ts), like the rest of the
 * catalogue in deviation-hooks.ts, which includes this table.
 */
import type { DeviationName } from './deviations.js';
import type { Hooks } from './hooks.js';
import { error, internalError, ok } from './replies.js';
import { isPlainObject, jsonDepth, nextTimestamp, pickFields } from './rules.js';
import type { SessionContextRecord } from './types.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const PROTECTED = ['sessionId', 'customerId', 'cartId'];
const metadataVersion = (body: unknown): unknown => (isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata.version : undefined);
const withVersion = (body: Record<string, unknown>, version: unknown) => ({ ...body, metadata: { ...(body.metadata as object), version } });
/** 'attribute-map-shared': the one map every new context starts with. */
const SHARED_MAP = new Map<string, unknown>();
const isSessionContext = (path: string) => path.startsWith('/session-context/');
const refreshed = (step: { store: { findContext(t: string, s: string): SessionContextRecord | undefined }; refresh: { tenant: string; sessionId: string } }) =>
  step.store.findContext(step.refresh.tenant, step.refresh.sessionId);
/** '*-recreates-context': the document written anew, its fields copied, its metadata started over. */
const recreate = (r: SessionContextRecord | undefined) => {
  if (!r) return;
  const now = nextTimestamp();
  Object.assign(r, { version: 1, createdAt: now, modifiedAt: now });
};
/** 'patch-saves-loaded-map': the map each PATCH loaded before its version check, saved back with its fields. */
const LOADED_MAP = new WeakMap<SessionContextRecord, Map<string, unknown>>();
/** 'put-checks-stale-replica': the version a PATCH replaced, as PUT's replica still sees it, and until when. */
const REPLICA = new WeakMap<SessionContextRecord, { version: number; until: number }>();

export const INTERPLAY_HOOKS = {
  // interplay and bad input (issue 10 §4): effects that depend on the rest of the body
  'protected-field-voids-patch': { patchChanges: (c, body) => (PROTECTED.some((k) => k in body) ? {} : c) },
  'patch-keys-case-insensitive': {
    patchChanges: (c, body) => {
      const fields = ['siteCode', 'currency', 'targetLocation', 'language'];
      const folded = Object.entries(body).flatMap(([k, v]) => {
        const field = fields.find((f) => f !== k && f.toLowerCase() === k.toLowerCase());
        return field && !(field in c) && typeof v === 'string' ? [[field, v]] : [];
      });
      return { ...c, ...Object.fromEntries(folded) };
    },
  },
  'metadata-key-case-insensitive': {
    writeInput: (_op, body) => {
      if (!isPlainObject(body) || 'metadata' in body) return undefined;
      const key = Object.keys(body).find((k) => k.toLowerCase() === 'metadata');
      return key ? { body: { ...body, metadata: body[key] } } : undefined;
    },
  },
  'empty-context-kept': {
    afterPatch: (r, body, before) => void (isPlainObject(body.context) && Object.keys(body.context).length === 0 && (r.context = before.context)),
  },
  'null-context-500': { writeInput: (op, body) => (op === 'patch' && isPlainObject(body) && body.context === null ? internalError() : undefined) },
  'mixed-patch-saved-twice': {
    afterPatch: (r, body) => void ('context' in body && ['siteCode', 'currency', 'targetLocation', 'language'].some((f) => f in body) && (r.version += 1)),
  },
  'stale-patch-applied-then-rejected': { staleGuard: (op, { store, record, changes }) => void (op === 'patch' && store.applyFields(record, changes)) },
  'invalid-field-partially-applied': {
    afterRefusedPatch: (store, record, body, whitelist) => {
      const valid: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) {
        if (!whitelist.includes(k)) continue;
        if ('problem' in pickFields({ [k]: v }, [k])) break;
        valid[k] = v;
      }
      if (Object.keys(valid).length === 0) return;
      store.applyFields(record, valid);
      store.touch(record);
    },
  },
  // inputs the tables never send
  'version-fraction-truncated': {
    writeInput: (_op, body) => {
      const v = metadataVersion(body);
      return typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? { body: withVersion(body as Record<string, unknown>, Math.trunc(v)) } : undefined;
    },
  },
  'version-overflow-500': {
    writeInput: (_op, body) => {
      const v = metadataVersion(body);
      return typeof v === 'number' && (!Number.isFinite(v) || Math.abs(v) > 2 ** 63) ? internalError() : undefined;
    },
  },
  'non-positive-version-unchecked': { staleGuard: (_op, { version }) => (version <= 0 ? 'proceed' : undefined) },
  'array-body-500': { writeInput: (_op, body) => (Array.isArray(body) ? internalError() : undefined) },
  'text-body-500': { writeInput: (_op, body) => (typeof body === 'string' ? internalError() : undefined) },
  'long-name-truncated': { attributeInput: (key, value) => ({ key: key.slice(0, 255), value }) },
  'name-double-decoded': {
    attributeName: (name) => {
      try {
        return decodeURIComponent(name);
      } catch {
        return error(400, 'Bad attribute name');
      }
    },
  },
  'name-case-folded': { attributeInput: (key, value) => ({ key: key.toLowerCase(), value }) },
  'name-normalized': { attributeInput: (key, value) => ({ key: key.trim().normalize('NFC'), value }) },
  'object-value-stringified': { attributeInput: (key, value) => ({ key, value: typeof value === 'object' ? JSON.stringify(value) : value }) },
  'empty-name-500': { attributeGuard: (body) => (body.key === '' ? internalError() : undefined) },
  'deep-value-500': { attributeGuard: (body) => (jsonDepth(body.value) > 20 ? internalError() : undefined) },
  'proto-name-swallowed': {
    afterOwnAttribute: (r, before, key) => void (key === '__proto__' && (r.context = before.context)),
    afterManagementAttribute: (r, before, key) => void (key === '__proto__' && (r.context = before.context)),
  },
  'upsert-skips-version': { staleGuard: (op, { upsert }) => (op === 'put' && upsert ? 'proceed' : undefined) },
  // concurrency beyond one PATCH race
  'put-version-race': { beforePutWrite: () => sleep(50), beforePatchWrite: () => sleep(50) },
  'attribute-map-shared': { afterCreate: (r) => void (r.context = SHARED_MAP) },
  'patch-saves-loaded-map': {
    beforePatchCheck: async (r) => {
      const loaded = new Map(r.context);
      await sleep(50);
      LOADED_MAP.set(r, loaded);
    },
    afterPatch: (r, body) => void (!('context' in body) && LOADED_MAP.has(r) && (r.context = new Map(LOADED_MAP.get(r)))),
  },
  'attribute-post-saves-loaded-map': {
    beforeAttributeWrite: async (r) => {
      const loaded = new Map(r.context);
      await sleep(50);
      r.context = loaded;
    },
  },
  'put-checks-stale-replica': {
    afterPatch: (r, _body, before) => void REPLICA.set(r, { version: before.version, until: Date.now() + 200 }),
    staleGuard: (op, { record, version }) => {
      const seen = REPLICA.get(record);
      return op === 'put' && seen !== undefined && Date.now() < seen.until && version === seen.version ? 'proceed' : undefined;
    },
  },
  // state across the session lifecycle
  'refresh-drops-cart': {
    afterRefresh: (step) => {
      const c = refreshed(step);
      if (c) c.cartId = undefined;
    },
  },
  'refresh-clears-attributes': {
    afterRefresh: (step) => {
      const c = refreshed(step);
      if (c) c.context = new Map();
    },
  },
  'login-recreates-context': { afterLogin: (step) => recreate(step.record) },
  'refresh-recreates-context': { afterRefresh: (step) => recreate(refreshed(step)) },
  // the wrong kind of token
  'service-token-own-500': { ownGuard: (_op, token) => (token.kind === 'service' ? internalError() : undefined) },
  'service-token-reads-first-context': {
    ownGuard: (op, token, store) => {
      if (op !== 'get' || token.kind !== 'service') return undefined;
      const first = [...store.contexts.values()][0];
      return first ? ok(store.render(first)) : undefined;
    },
  },
  'owner-reads-managed-context': {
    managementGuard: (problem, token, target) =>
      problem === 'not-service' && target.op === 'get' && token.kind === 'customer' && token.sessionId === target.sessionId ? 'accept' : undefined,
  },
  // reads that change state
  'read-touches-modified-at': { afterRead: (store, r) => store.touch(r, false) },
  // protocol basics
  'attribute-delete-answers-200': { attributeDeleteReply: (_reply, store, r) => ok(store.render(r)) },
  'attribute-name-as-text': { ownAttributeReply: (reply) => ({ status: reply.status, raw: String(reply.body), headers: { 'content-type': 'text/plain;charset=UTF-8' } }) },
  'error-body-text-plain': {
    outgoing: (reply, path) => (isSessionContext(path) && reply.status >= 400 && reply.body !== undefined ? { ...reply, headers: { ...reply.headers, 'content-type': 'text/plain;charset=UTF-8' } } : reply),
  },
  'error-body-framework': {
    outgoing: (reply, path) =>
      isSessionContext(path) && reply.status === 401 ? { status: 401, body: { timestamp: new Date().toISOString(), status: 401, error: 'Unauthorized', path } } : reply,
  },
  'context-as-entry-list': {
    afterRender: (out, r) => void (out.context = [...r.context].map(([key, value]) => ({ key, value }))),
  },
} satisfies Partial<Record<DeviationName, Hooks>>;
