/**
 * The documented rules of the Session Context Service as pure functions: no HTTP, no state, no deviation.
 * Facts come from ../shared/reference (OpenAPI files and BEHAVIOUR.md); section numbers refer to BEHAVIOUR.md.
 * Each rule names the requirement IDs (fixtures/requirements.json) it implements, so a search for an ID lands here.
 */
import type { SeedProfile, SessionContextRecord, Site, SpecVersion } from './types.js';

/**
 * SC-TENANT-01: path parameter `tenant` is `^[a-z][a-z0-9]+$` with 3 to 16 characters
 * (OpenAPI components.parameters.path_tenant).
 */
export const TENANT_PATTERN = /^[a-z][a-z0-9]+$/;
export function isWellFormedTenant(name: string): boolean {
  return TENANT_PATTERN.test(name) && name.length >= 3 && name.length <= 16;
}

/** SC-TENANT-02, SC-TENANT-03: a well-formed tenant is served only when it is the token's own. */
export function tenantProblem(pathTenant: string, tokenTenant: string): 'malformed' | 'foreign' | undefined {
  if (!isWellFormedTenant(pathTenant)) return 'malformed';
  return pathTenant === tokenTenant ? undefined : 'foreign';
}

/**
 * SC-PATCH-WHITELIST-01, SC-PATCH-WHITELIST-02, SC-PATCH-WHITELIST-03, SC-PATCH-WHITELIST-04, SC-PATCH-WHITELIST-05,
 * SC-PATCH-IGNORED-01, SC-PATCH-IGNORED-02, SC-PATCH-IGNORED-03, SC-PATCH-IGNORED-04, SC-PATCH-IGNORED-05,
 * SC-PATCH-IGNORED-06, SC-PATCH-IGNORED-07: the PATCH /me/context whitelist (OpenAPI PATCH
 * description); `language` joined on 2026-04-21. Everything else in a PATCH body is ignored.
 */
export function patchWhitelist(spec: SpecVersion): readonly string[] {
  return spec === '2026-04'
    ? ['siteCode', 'currency', 'targetLocation', 'language', 'context']
    : ['siteCode', 'currency', 'targetLocation', 'context'];
}

/** SC-MGMT-PUT-01: the fields a management PUT sets (the SessionContext request schema); cartId is settable here. */
export function putFields(spec: SpecVersion): readonly string[] {
  return [...patchWhitelist(spec), 'cartId'];
}

/**
 * The same type checks on PATCH and PUT (SC-PATCH-WHITELIST-01, SC-PATCH-WHITELIST-02, SC-PATCH-WHITELIST-03,
 * SC-PATCH-WHITELIST-04, SC-PATCH-WHITELIST-05, SC-MGMT-PUT-01): string fields are strings,
 * `context` maps names to context values. Answers the listed fields present in the body, or the first problem.
 */
export function pickFields(body: Record<string, unknown>, fields: readonly string[]): { picked: Record<string, unknown> } | { problem: string } {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.hasOwn(body, field)) continue;
    const value = body[field];
    if (field === 'context') {
      if (!isPlainObject(value) || !Object.values(value).every(isContextValue)) {
        return { problem: 'context must map names to objects or strings' };
      }
    } else if (typeof value !== 'string') {
      return { problem: `${field} must be a string` };
    }
    picked[field] = value;
  }
  return { picked };
}

export type VersionProblem = 'missing-metadata' | 'missing-version' | 'not-integer';

/**
 * SC-VERSION-03, SC-VERSION-04, SC-VERSION-05, SC-MGMT-PUT-07: `metadata` is required in the PATCH and PUT
 * request schemas, and `metadata.version` is an integer.
 */
export function readVersion(body: Record<string, unknown>): number | VersionProblem {
  const metadata = body.metadata;
  if (!isPlainObject(metadata)) return 'missing-metadata';
  const version = metadata.version;
  if (version === undefined || version === null) return 'missing-version';
  if (typeof version !== 'number' || !Number.isInteger(version)) return 'not-integer';
  return version;
}

/** SC-VERSION-01, SC-VERSION-02, SC-MGMT-PUT-03: a write must carry exactly the stored version. */
export function isStale(sent: number, stored: number): boolean {
  return sent !== stored;
}

/** SC-VERSION-01: the stale answer, 404 as observed live (BEHAVIOUR.md §2) or 409 where so configured. */
export function staleMessage(sessionId: string, version: number): string {
  return `The context with sessionId ${sessionId} and version ${version} has not been found.`;
}

/** SC-DERIVE-ANON-01, SC-DERIVE-CUST-02, SC-DERIVE-CUST-04: the tenant's default site, else its first. */
export function defaultSite(sites: readonly Site[]): Site | undefined {
  return sites.find((s) => s.default) ?? sites[0];
}

export interface Derived {
  siteCode?: string;
  currency?: string;
  targetLocation?: string;
  language?: string;
}

/**
 * SC-DERIVE-ANON-01, SC-DERIVE-ANON-02, SC-DERIVE-ANON-03, SC-DERIVE-ANON-04: an anonymous session takes the default
 * site's code, currency and home-base country
 * (§6); anonymous-login parameters, where given, win (2026-04).
 */
export function deriveAnonymous(sites: readonly Site[], params: Derived = {}): Derived {
  const site = defaultSite(sites);
  return {
    siteCode: params.siteCode ?? site?.code,
    currency: params.currency ?? site?.currency,
    targetLocation: params.targetLocation ?? site?.homeBase?.address?.country,
    language: params.language ?? site?.defaultLanguage,
  };
}

/** The country of the default address with `tag`, else of the first address with it. */
export function addressCountry(profile: SeedProfile, tag: string): string | undefined {
  const tagged = (profile.addresses ?? []).filter((a) => (a.tags ?? []).includes(tag));
  return (tagged.find((a) => a.isDefault) ?? tagged[0])?.country;
}

/**
 * SC-DERIVE-CUST-01, SC-DERIVE-CUST-02, SC-DERIVE-CUST-03, SC-DERIVE-CUST-04, SC-DERIVE-CUST-05, SC-DERIVE-CUST-06,
 * SC-DERIVE-CUST-07, logged-in customer (§6): preferredCurrency, else the default site's currency;
 * preferredSite, else the default site; the default shipping address's country, then the billing address's,
 * then the default site's home-base country.
 */
export function deriveCustomer(sites: readonly Site[], profile: SeedProfile): Derived {
  const site = defaultSite(sites);
  return {
    siteCode: profile.preferredSite ?? site?.code,
    currency: profile.preferredCurrency ?? site?.currency,
    targetLocation: addressCountry(profile, 'SHIPPING') ?? addressCountry(profile, 'BILLING') ?? site?.homeBase?.address?.country,
    language: profile.preferredLanguage ?? site?.defaultLanguage,
  };
}

/** SC-ATTR-02: `Context` values: the spec says object, its own example and ContextAttribute say string too (§1). */
export function isContextValue(value: unknown): boolean {
  return typeof value === 'string' || isPlainObject(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SC-INPUT-02, SC-HTTP-01: the deepest JSON a body may hold; deeper bodies get 400 instead of breaking reads. */
export const MAX_DEPTH = 64;

/** The nesting depth of a parsed JSON value, measured without recursion (a hostile body may be very deep). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** SC-HTTP-01: a query parameter given twice is a client error, never a 500 (issue 8). */
export function repeatedParameter(query: Record<string, unknown>): string | undefined {
  return Object.keys(query).find((k) => Array.isArray(query[k]));
}

/** SC-VERSION-08: a timestamp strictly after `previous`, so that modifiedAt always moves forward. */
export function nextTimestamp(previous?: string): string {
  const prev = previous ? Date.parse(previous) : 0;
  return new Date(Math.max(Date.now(), (Number.isNaN(prev) ? 0 : prev) + 1)).toISOString();
}

/**
 * SC-SCHEMA-01, SC-SCHEMA-02, SC-HTTP-03, SC-GET-01, SC-GET-02, SC-ATTR-05: the GET representation. Absent fields are
 * omitted, an empty `context` is omitted (§2), `language` exists under 2026-04 only (SC-PATCH-IGNORED-07).
 */
export function render(record: SessionContextRecord, spec: SpecVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { sessionId: record.sessionId };
  for (const field of ['customerId', 'siteCode', 'currency', 'cartId', 'targetLocation'] as const) {
    if (record[field] !== undefined) out[field] = record[field];
  }
  if (record.language !== undefined && spec === '2026-04') out.language = record.language;
  if (record.context.size > 0) out.context = Object.fromEntries(record.context);
  out.metadata = { version: record.version, createdAt: record.createdAt, modifiedAt: record.modifiedAt };
  return out;
}
