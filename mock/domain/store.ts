/**
 * The mock's in-memory state: tenants from the seed, tokens, contexts and carts. It knows how a context record
 * is created, written and rendered, and nothing about who may do so (access.ts) or when (the operations).
 */
import { nextTimestamp, render, type Derived } from './rules.js';
import type { Hooks, Snapshot } from './hooks.js';
import type { CartRecord, MockSettings, RefreshRecord, Seed, SeedTenant, SessionContextRecord, TokenRecord } from './types.js';

export interface Residue {
  anonymousSessions: number;
  contexts: number;
  attributes: { sessionId: string; names: string[] }[];
  contextsWithoutSession: string[];
  carts: string[];
  customerTokens: number;
}

export class Store {
  readonly tenants = new Map<string, SeedTenant>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly saasTokens = new Map<string, { tenant: string; customerId: string }>();
  readonly contexts = new Map<string, SessionContextRecord>();
  readonly carts = new Map<string, CartRecord>();
  /** Anonymous-login parameters kept until the context is created at cart time. */
  readonly pendingParams = new Map<string, Derived>();
  /** Customer refresh tokens (GET /customer/{tenant}/refreshauthtoken), apart from the anonymous ones. */
  readonly customerRefreshTokens = new Map<string, RefreshRecord & { customerId: string }>();

  /**
   * `dev`: the deviation's guards and steps, handed in by whoever composes the mock (mock/app.ts), so the state
   * knows nothing of the catalogue; empty on the faithful mock.
   */
  constructor(
    seed: Seed,
    readonly settings: MockSettings,
    readonly dev: Hooks = {},
  ) {
    for (const t of seed.tenants) this.tenants.set(t.name, structuredClone(t));
  }

  /** SC-ISOLATION-01: one record per tenant and session id; no write reaches another's. */
  key(tenant: string, sessionId: string): string {
    return `${tenant}\u0000${sessionId}`;
  }

  primaryTenant(): string {
    return this.tenants.keys().next().value ?? '';
  }

  /** The context as writes see it: present from the moment it is created. */
  findContext(tenant: string, sessionId: string): SessionContextRecord | undefined {
    return this.contexts.get(this.key(tenant, sessionId));
  }

  /** The context as reads see it: hidden for `contextLagMs` after its creation (the context-lag condition). */
  readContext(tenant: string, sessionId: string): SessionContextRecord | undefined {
    const record = this.findContext(tenant, sessionId);
    return record && Date.now() >= record.visibleFrom ? record : undefined;
  }

  createContext(tenant: string, sessionId: string, values: Derived & { customerId?: string }): SessionContextRecord {
    const now = nextTimestamp();
    const record: SessionContextRecord = {
      sessionId,
      customerId: values.customerId,
      siteCode: values.siteCode,
      currency: values.currency,
      targetLocation: values.targetLocation,
      language: this.settings.specVersion === '2026-04' ? values.language : undefined,
      context: new Map(),
      // SC-VERSION-07: versions start at 1 and rise by one per write.
      version: 1,
      createdAt: now,
      modifiedAt: now,
      visibleFrom: Date.now() + this.settings.contextLagMs,
    };
    this.contexts.set(this.key(tenant, sessionId), record);
    this.dev.afterCreate?.(record);
    return record;
  }

  /** Writes checked fields into a record; `context` replaces the whole map (SC-PATCH-CONTEXT-01, OBSERVED §2). */
  applyFields(record: SessionContextRecord, changes: Record<string, unknown>): void {
    for (const [field, value] of Object.entries(changes)) {
      if (field === 'context') record.context = new Map(Object.entries(value as Record<string, unknown>));
      else (record as unknown as Record<string, unknown>)[field] = value;
    }
  }

  snapshot(record: SessionContextRecord): Snapshot {
    return { version: record.version, createdAt: record.createdAt, modifiedAt: record.modifiedAt, cartId: record.cartId, context: new Map(record.context) };
  }

  /**
   * SC-VERSION-07, SC-VERSION-08: a write raises the version by one (attribute writes do not: SC-ATTR-06) and
   * moves modifiedAt forward; createdAt stays.
   */
  touch(record: SessionContextRecord, bumpVersion = true): void {
    const before = this.snapshot(record);
    if (bumpVersion) record.version += 1;
    record.modifiedAt = nextTimestamp(record.modifiedAt);
    this.dev.afterTouch?.(record, before, bumpVersion);
  }

  render(record: SessionContextRecord): Record<string, unknown> {
    const out = render(record, this.settings.specVersion);
    this.dev.afterRender?.(out, record);
    return out;
  }

  /** What clients left behind (GET /__mock/residue): everything but the anonymous sessions is residue. */
  residue(): Residue {
    const sessions = new Set<string>();
    const anonymous = new Set<string>();
    let customerTokens = 0;
    for (const t of this.tokens.values()) {
      if (t.sessionId) sessions.add(this.key(t.tenant, t.sessionId));
      if (t.kind === 'anonymous' && t.sessionId) anonymous.add(this.key(t.tenant, t.sessionId));
      if (t.kind === 'customer' && !t.revoked) customerTokens += 1;
    }
    const contexts = [...this.contexts.entries()];
    return {
      anonymousSessions: anonymous.size,
      contexts: contexts.length,
      attributes: contexts.filter(([, c]) => c.context.size > 0).map(([, c]) => ({ sessionId: c.sessionId, names: [...c.context.keys()] })),
      contextsWithoutSession: contexts.filter(([key]) => !sessions.has(key)).map(([, c]) => c.sessionId),
      carts: [...this.carts.keys()],
      customerTokens,
    };
  }
}
