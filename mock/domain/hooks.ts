/**
 * The points where a deviation may act on the faithful flow. Each is either a GUARD before a rule (it may
 * answer instead, accept, or change the rule's input) or a STEP AFTER a rule (it changes the rule's result).
 * The faithful mock has none; mock/domain/deviation-hooks.ts gives each deviation its hooks.
 */
import type { Derived, VersionProblem } from './rules.js';
import type { Store } from './store.js';
import type { RefreshRecord, Reply, SessionContextRecord, Site, SeedProfile, TokenRecord } from './types.js';

/** A record's state before a write, for steps that undo or distort the write. */
export interface Snapshot {
  version: number;
  createdAt: string;
  modifiedAt: string;
  cartId?: string;
  context: Map<string, unknown>;
}

/** Which own-session operation asks (SC-AUTH-06). */
export type OwnOperation = 'get' | 'patch' | 'attribute-post' | 'attribute-delete';

/** The management operation and the session it addresses (SC-AUTH-02). */
export interface ManagementTarget {
  op: 'get' | 'put' | 'attribute-post' | 'attribute-delete';
  sessionId: string;
}

/** What a stale-version guard may look at: the write as it would be applied. */
export interface StaleWrite {
  store: Store;
  record: SessionContextRecord;
  version: number;
  changes: Record<string, unknown>;
  upsert: boolean;
}

export interface Hooks {
  // access (access.ts)
  /** guard before SC-AUTH-01: take an unknown bearer token anyway */
  unknownToken?(store: Store): TokenRecord | undefined;
  /** step after SC-AUTH-01: the 401 answer */
  unauthorized?(reply: Reply): Reply;
  /** guard before SC-TENANT-01, SC-TENANT-02, SC-TENANT-03 */
  tenantGuard?(tenant: string): 'accept' | undefined;
  /** step after SC-TENANT-01, SC-TENANT-02, SC-TENANT-03: the tenant check's answer (undefined: accepted) */
  afterTenantCheck?(reply: Reply | undefined): Reply | undefined;
  /** guard before SC-AUTH-02, SC-AUTH-03 */
  managementGuard?(problem: 'not-service' | 'no-scope', token: TokenRecord, target: ManagementTarget): 'accept' | undefined;
  /** guard before SC-AUTH-06: an own-session operation with a token of another kind */
  ownGuard?(op: OwnOperation, token: TokenRecord, store: Store): Reply | undefined;
  // derivation (identity.ts)
  anonymousInput?(sites: readonly Site[], params: Derived): { sites: readonly Site[]; params: Derived };
  customerInput?(profile: SeedProfile): SeedProfile;
  afterCustomerDerived?(derived: Derived, sites: readonly Site[], profile: SeedProfile): Derived;
  // records (store.ts)
  afterCreate?(record: SessionContextRecord): void;
  afterTouch?(record: SessionContextRecord, before: Snapshot, bumped: boolean): void;
  afterRender?(out: Record<string, unknown>, record: SessionContextRecord): void;
  // not found (contexts.ts)
  notFound?(reply: Reply): Reply;
  missingContext?(reply: Reply, sessionId: string, store: Store, tenant: string): Reply;
  // reads (contexts.ts, management.ts)
  /** step after SC-READ-01: a read has found the record it will render */
  afterRead?(store: Store, record: SessionContextRecord): void;
  // writes (contexts.ts, management.ts)
  versionProblem?(problem: VersionProblem): 'tolerate' | undefined;
  /** guard before SC-INPUT-03 and the body checks of SC-VERSION-03..06: may answer or replace the parsed body */
  writeInput?(op: 'patch' | 'put', body: unknown): Reply | { body: unknown } | undefined;
  staleGuard?(op: 'patch' | 'put', write: StaleWrite): Reply | 'proceed' | undefined;
  whitelist?(fields: readonly string[]): readonly string[];
  patchGuard?(body: Record<string, unknown>, whitelist: readonly string[]): Reply | undefined;
  patchOnMissing?(store: Store, tenant: string, sessionId: string): SessionContextRecord | undefined;
  /** guard before SC-VERSION-01, SC-VERSION-09 on PATCH: the record is found (loaded), its version not yet checked */
  beforePatchCheck?(record: SessionContextRecord): Promise<void>;
  beforePatchWrite?(): Promise<void>;
  patchChanges?(changes: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown>;
  /** step after SC-INPUT-03: a PATCH refused for a mistyped field */
  afterRefusedPatch?(store: Store, record: SessionContextRecord, body: Record<string, unknown>, whitelist: readonly string[]): void;
  afterPatch?(record: SessionContextRecord, body: Record<string, unknown>, before: Snapshot): void;
  patchReply?(reply: Reply, store: Store, record: SessionContextRecord): Reply;
  putInput?(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown>;
  putChanges?(changes: Record<string, unknown>): Record<string, unknown>;
  upsert?(requested: boolean): boolean;
  saasGuard?(saasToken: string | undefined): Reply | 'accept' | undefined;
  beforePutWrite?(): Promise<void>;
  // attributes (contexts.ts, management.ts)
  attributeGuard?(body: Record<string, unknown>): Reply | undefined;
  /** guard before SC-ATTR-06, SC-MGMT-ATTR-01: the record is found, the attribute not yet written */
  beforeAttributeWrite?(record: SessionContextRecord): Promise<void>;
  /** step after SC-ATTR-02, SC-MGMT-ATTR-01: the checked name and value, as they are stored */
  attributeInput?(key: string, value: unknown): { key: string; value: unknown };
  /** guard before SC-ATTR-03, SC-MGMT-ATTR-02: the name from the path (already percent-decoded once) */
  attributeName?(name: string): string | Reply;
  afterOwnAttribute?(record: SessionContextRecord, before: Snapshot, key: string): void;
  attributeDeleteReply?(reply: Reply, store: Store, record: SessionContextRecord): Reply;
  ownAttributeReply?(reply: Reply): Reply;
  missingAttribute?(reply: Reply): Reply;
  afterAttributeDelete?(record: SessionContextRecord, name: string, before: Snapshot): void;
  afterManagementAttribute?(record: SessionContextRecord, before: Snapshot, key: string): void;
  managementMissing?(): Reply | undefined;
  // lifecycle (identity.ts, neighbours.ts)
  afterLogin?(step: { store: Store; tenant: string; token: TokenRecord; record?: SessionContextRecord; before?: Snapshot; body: Record<string, unknown> }): void;
  afterRefresh?(step: { store: Store; body: Record<string, unknown>; refresh: RefreshRecord; sent: string }): void;
  afterLogout?(token: TokenRecord): void;
  afterCart?(record: SessionContextRecord, before: Snapshot): void;
  // input (service.ts)
  depthLimit?(limit: number): number;
  badBody?(reply: Reply, code: string | undefined): Reply;
  repeatedParameter?(reply: Reply): Reply;
  /** step after every answer (SC-HTTP-02, SC-HTTP-04): the reply as it leaves for `path` */
  outgoing?(reply: Reply, path: string): Reply;
}
