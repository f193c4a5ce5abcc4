/**
 * Session-context operations on the caller's own session (/me/context), and the steps they share with the
 * management operations (management.ts): the not-found answers, the version check, the attribute checks.
 */
import { ownAccess, type Caller } from './access.js';
import { error, isReply, noContent, notJsonObject, ok, sessionNotFound } from './replies.js';
import { isContextValue, isPlainObject, isStale, patchWhitelist, pickFields, readVersion, staleMessage } from './rules.js';
import type { Store } from './store.js';
import type { Reply, SessionContextRecord } from './types.js';

/** SC-404-02, SC-MGMT-ATTR-03, SC-MGMT-ATTR-04, SC-SCHEMA-03: a write to a session without a context. */
export function notFound(store: Store, sessionId: string): Reply {
  const reply = sessionNotFound(sessionId);
  return store.dev.notFound?.(reply) ?? reply;
}

/** SC-404-01, SC-404-03, SC-CART-02: a read of a session without a (visible) context. */
export function missingContext(store: Store, tenant: string, sessionId: string): Reply {
  const reply = notFound(store, sessionId);
  return store.dev.missingContext?.(reply, sessionId, store, tenant) ?? reply;
}

/** SC-READ-01: a read renders the record it found and changes nothing. */
export function readReply(store: Store, record: SessionContextRecord): Reply {
  store.dev.afterRead?.(store, record);
  return ok(store.render(record));
}

/** The body a write goes on with: the parsed one, unless a deviation answers or replaces it. */
export function writeInput(store: Store, op: 'patch' | 'put', body: unknown): Reply | { body: unknown } {
  return store.dev.writeInput?.(op, body) ?? { body };
}

/** SC-VERSION-03, SC-VERSION-04, SC-VERSION-05, SC-MGMT-PUT-07: a write needs an integer metadata.version; answers it or the 400. */
export function writeVersion(store: Store, body: Record<string, unknown>): number | undefined | Reply {
  const version = readVersion(body);
  if (typeof version === 'number') return version;
  if (store.dev.versionProblem?.(version) === 'tolerate') return undefined;
  return error(400, `metadata.version is required and must be an integer (${version})`);
}

/** SC-VERSION-01, SC-VERSION-02, SC-MGMT-PUT-03: a write with another version than the stored one is refused. */
export function staleCheck(
  store: Store,
  op: 'patch' | 'put',
  record: SessionContextRecord,
  version: number | undefined,
  changes: Record<string, unknown>,
  upsert = false,
): Reply | undefined {
  if (version === undefined || !isStale(version, record.version)) return undefined;
  const guard = store.dev.staleGuard?.(op, { store, record, version, changes, upsert });
  if (guard === 'proceed') return undefined;
  if (guard) return guard;
  return error(store.settings.staleVersionStatus, staleMessage(record.sessionId, version), { sessionId: record.sessionId });
}

/** SC-ATTR-02, SC-INPUT-01, SC-INPUT-02: an attribute is {key: non-empty string, value: object or string}. */
export function checkAttribute(store: Store, body: unknown): Reply | undefined {
  if (!isPlainObject(body)) return notJsonObject();
  const guard = store.dev.attributeGuard?.(body);
  if (guard) return guard;
  if (typeof body.key !== 'string' || body.key.length === 0) return error(400, 'key must be a non-empty string');
  if (!('value' in body) || !isContextValue(body.value)) return error(400, 'value must be an object or a string');
  return undefined;
}

/** SC-ATTR-03, SC-ATTR-04, SC-ATTR-05, SC-MGMT-ATTR-02: deleting an attribute; an absent one is 404. */
export function removeAttribute(store: Store, record: SessionContextRecord, sent: string): Reply {
  const name = store.dev.attributeName?.(sent) ?? sent;
  if (isReply(name)) return name;
  if (!record.context.has(name)) {
    const reply = error(404, `Attribute ${name} not found`, { sessionId: record.sessionId });
    return store.dev.missingAttribute?.(reply) ?? reply;
  }
  const before = store.snapshot(record);
  record.context.delete(name);
  // SC-ATTR-06: "Optimistic locking is not taken into account here": the version is left alone.
  store.touch(record, false);
  store.dev.afterAttributeDelete?.(record, name, before);
  const reply = noContent();
  return store.dev.attributeDeleteReply?.(reply, store, record) ?? reply;
}

/** SC-GET-01, SC-GET-02, SC-SCHEMA-01, SC-READ-01: the caller's own context; a read changes nothing. */
export function getOwn(store: Store, caller: Caller, tenantName: string): Reply {
  const who = ownAccess(store, caller, tenantName, 'get');
  if (isReply(who)) return who;
  const record = store.readContext(who.auth.tenant, who.sessionId);
  return record ? readReply(store, record) : missingContext(store, who.auth.tenant, who.sessionId);
}

/**
 * SC-PATCH-01, SC-PATCH-WHITELIST-01, SC-PATCH-WHITELIST-02, SC-PATCH-WHITELIST-03, SC-PATCH-WHITELIST-04,
 * SC-PATCH-WHITELIST-05, SC-PATCH-IGNORED-01, SC-PATCH-IGNORED-02, SC-PATCH-IGNORED-03, SC-PATCH-IGNORED-04,
 * SC-PATCH-IGNORED-05, SC-PATCH-IGNORED-06, SC-PATCH-IGNORED-07, SC-PATCH-CONTEXT-01, SC-VERSION-01, SC-VERSION-02,
 * SC-VERSION-03, SC-VERSION-04, SC-VERSION-05, SC-VERSION-06, SC-VERSION-07, SC-VERSION-08, SC-VERSION-09,
 * SC-404-02, SC-PATCH-02, SC-INPUT-03: PATCH /me/context applies only the whitelisted fields the body carries,
 * with the current version, and answers 204; every refusal comes before the first change.
 */
export async function patchOwn(store: Store, caller: Caller, tenantName: string, sent: unknown): Promise<Reply> {
  const who = ownAccess(store, caller, tenantName, 'patch');
  if (isReply(who)) return who;
  const input = writeInput(store, 'patch', sent);
  if (isReply(input)) return input;
  const body = input.body;
  if (!isPlainObject(body)) return notJsonObject();
  const version = writeVersion(store, body);
  if (isReply(version)) return version;
  const record = store.findContext(who.auth.tenant, who.sessionId) ?? store.dev.patchOnMissing?.(store, who.auth.tenant, who.sessionId);
  if (!record) return notFound(store, who.sessionId);
  const whitelist = store.dev.whitelist?.(patchWhitelist(store.settings.specVersion)) ?? patchWhitelist(store.settings.specVersion);
  const fields = pickFields(body, whitelist);
  if ('problem' in fields) {
    store.dev.afterRefusedPatch?.(store, record, body, whitelist);
    return error(400, fields.problem);
  }
  const guard = store.dev.patchGuard?.(body, whitelist);
  if (guard) return guard;
  if (store.dev.beforePatchCheck) await store.dev.beforePatchCheck(record);
  const stale = staleCheck(store, 'patch', record, version, fields.picked);
  if (stale) return stale;
  await store.dev.beforePatchWrite?.();
  const changes = store.dev.patchChanges?.(fields.picked, body) ?? fields.picked;
  const before = store.snapshot(record);
  store.applyFields(record, changes);
  store.touch(record);
  store.dev.afterPatch?.(record, body, before);
  const reply = noContent();
  return store.dev.patchReply?.(reply, store, record) ?? reply;
}

/** SC-ATTR-01, SC-ATTR-02, SC-ATTR-06: POST /me/context/attributes answers 201 with the name as a JSON string. */
export async function addOwnAttribute(store: Store, caller: Caller, tenantName: string, body: unknown): Promise<Reply> {
  const who = ownAccess(store, caller, tenantName, 'attribute-post');
  if (isReply(who)) return who;
  const bad = checkAttribute(store, body);
  if (bad) return bad;
  const record = store.findContext(who.auth.tenant, who.sessionId);
  if (!record) return notFound(store, who.sessionId);
  const { key, value } = attributeInput(store, body as { key: string; value: unknown });
  if (store.dev.beforeAttributeWrite) await store.dev.beforeAttributeWrite(record);
  const before = store.snapshot(record);
  record.context.set(key, value);
  store.touch(record, false);
  store.dev.afterOwnAttribute?.(record, before, key);
  const reply: Reply = { status: 201, body: (body as { key: string }).key };
  return store.dev.ownAttributeReply?.(reply) ?? reply;
}

/** The name and value an attribute write stores: those sent (SC-ATTR-02, SC-MGMT-ATTR-01). */
export function attributeInput(store: Store, sent: { key: string; value: unknown }): { key: string; value: unknown } {
  return store.dev.attributeInput?.(sent.key, sent.value) ?? sent;
}

export function deleteOwnAttribute(store: Store, caller: Caller, tenantName: string, name: string): Reply {
  const who = ownAccess(store, caller, tenantName, 'attribute-delete');
  if (isReply(who)) return who;
  const record = store.findContext(who.auth.tenant, who.sessionId);
  return record ? removeAttribute(store, record, name) : notFound(store, who.sessionId);
}
