/**
 * Session-context operations of the management API (/context/{sessionId}): a service token with
 * `sessioncontext.context_manage` reads and writes any session's context of its tenant.
 */
import { managementAccess, type Caller } from './access.js';
import { attributeInput, checkAttribute, missingContext, notFound, readReply, removeAttribute, staleCheck, writeInput, writeVersion } from './contexts.js';
import { error, isReply, MESSAGES, noContent, notJsonObject } from './replies.js';
import { isPlainObject, pickFields, putFields } from './rules.js';
import type { Store } from './store.js';
import type { Reply } from './types.js';

/** SC-SCHEMA-02, SC-404-03, SC-READ-01: GET /context/{sessionId}; a read changes nothing. */
export function getContext(store: Store, caller: Caller, tenantName: string, sessionId: string): Reply {
  const auth = managementAccess(store, caller, tenantName, { op: 'get', sessionId });
  if (isReply(auth)) return auth;
  const record = store.readContext(auth.tenant, sessionId);
  return record ? readReply(store, record) : missingContext(store, auth.tenant, sessionId);
}

/**
 * SC-MGMT-PUT-06, SC-MGMT-PUT-08 under `--put-saas-token always` (never the default): a PUT without `saas-token` is
 * refused for every context, anonymous ones too, before its body is looked at, with the message seen live
 * (BEHAVIOUR.md §2, §8). The documents require the header only for a logged-in customer's context, so on an
 * anonymous context this is UNKNOWN; the setting lets a client prove it copes with the stricter answer.
 */
export function putHeaders(store: Store, caller: Caller, tenantName: string, sessionId: string): Reply | undefined {
  if (store.settings.putSaasToken !== 'always' || caller.saasToken) return undefined;
  const auth = managementAccess(store, caller, tenantName, { op: 'put', sessionId });
  return isReply(auth) ? auth : error(400, MESSAGES.saasTokenRequired);
}

/**
 * SC-MGMT-PUT-01, SC-MGMT-PUT-02, SC-MGMT-PUT-03, SC-MGMT-PUT-04, SC-MGMT-PUT-05, SC-MGMT-PUT-06, SC-MGMT-PUT-07,
 * SC-MGMT-PUT-08: PUT /context/{sessionId} sets the fields sent (typed as on PATCH) when the version is
 * current; `?upsert=true` creates a missing context; a customer's context needs that customer's saas-token.
 */
export async function putContext(store: Store, caller: Caller, tenantName: string, sessionId: string, upsert: string | undefined, sent: unknown): Promise<Reply> {
  const auth = managementAccess(store, caller, tenantName, { op: 'put', sessionId });
  if (isReply(auth)) return auth;
  const input = writeInput(store, 'put', sent);
  if (isReply(input)) return input;
  const body = input.body;
  if (!isPlainObject(body)) return notJsonObject();
  const version = writeVersion(store, body);
  if (isReply(version)) return version;
  const fields = putFields(store.settings.specVersion);
  const checked = pickFields(store.dev.putInput?.(body, fields) ?? body, fields);
  if ('problem' in checked) return error(400, checked.problem);
  const changes = store.dev.putChanges?.(checked.picked) ?? checked.picked;
  let record = store.findContext(auth.tenant, sessionId);
  if (!record) {
    // SC-MGMT-PUT-04, SC-MGMT-PUT-05: only ?upsert=true creates a missing context.
    const upserting = store.dev.upsert?.(upsert === 'true') ?? upsert === 'true';
    if (!upserting) return notFound(store, sessionId);
    record = store.createContext(auth.tenant, sessionId, {});
  } else {
    const stale = staleCheck(store, 'put', record, version, changes, upsert === 'true');
    if (stale) return stale;
    if (record.customerId !== undefined) {
      // SC-MGMT-PUT-06, SC-MGMT-PUT-08: "only required if the session context belongs to a logged-in customer"
      // (PUT saas-token header).
      const guard = store.dev.saasGuard?.(caller.saasToken);
      if (guard !== 'accept') {
        if (guard) return guard;
        if (!caller.saasToken) return error(400, MESSAGES.saasTokenRequired);
        const owner = store.saasTokens.get(caller.saasToken);
        if (!owner || owner.customerId !== record.customerId) return error(403, 'saas-token does not belong to the customer of this session context');
      }
    }
    await store.dev.beforePutWrite?.();
    store.touch(record);
  }
  store.applyFields(record, changes);
  return noContent();
}

/** SC-MGMT-ATTR-01, SC-MGMT-ATTR-03: POST /context/{sessionId}/attributes answers 204. */
export async function addAttribute(store: Store, caller: Caller, tenantName: string, sessionId: string, body: unknown): Promise<Reply> {
  const auth = managementAccess(store, caller, tenantName, { op: 'attribute-post', sessionId });
  if (isReply(auth)) return auth;
  const bad = checkAttribute(store, body);
  if (bad) return bad;
  const record = store.findContext(auth.tenant, sessionId);
  if (!record) return store.dev.managementMissing?.() ?? notFound(store, sessionId);
  const { key, value } = attributeInput(store, body as { key: string; value: unknown });
  if (store.dev.beforeAttributeWrite) await store.dev.beforeAttributeWrite(record);
  const before = store.snapshot(record);
  record.context.set(key, value);
  store.touch(record, false);
  store.dev.afterManagementAttribute?.(record, before, key);
  return noContent();
}

/** SC-MGMT-ATTR-02, SC-MGMT-ATTR-04: DELETE /context/{sessionId}/attributes/{name}. */
export function deleteAttribute(store: Store, caller: Caller, tenantName: string, sessionId: string, name: string): Reply {
  const auth = managementAccess(store, caller, tenantName, { op: 'attribute-delete', sessionId });
  if (isReply(auth)) return auth;
  const record = store.findContext(auth.tenant, sessionId);
  if (!record) return store.dev.managementMissing?.() ?? notFound(store, sessionId);
  return removeAttribute(store, record, name);
}
