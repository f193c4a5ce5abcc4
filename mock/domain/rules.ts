/**
 * The documented rules of the Session Context Service as plain functions, with no HTTP and no state.
 * Facts come from ../shared/reference (OpenAPI files and BEHAVIOUR.md); section numbers refer to BEHAVIOUR.md.
 */
import type { SeedProfile, Site, SpecVersion } from './types.js';

/** Path parameter `tenant`: `^[a-z][a-z0-9]+$`, 3 to 16 characters (OpenAPI components.parameters.path_tenant). */
export const TENANT_PATTERN = /^[a-z][a-z0-9]+$/;

/** PATCH /me/context whitelist (OpenAPI PATCH description); `language` joined on 2026-04-21. */
export function patchWhitelist(spec: SpecVersion): readonly string[] {
  return spec === '2026-04'
    ? ['siteCode', 'currency', 'targetLocation', 'language', 'context']
    : ['siteCode', 'currency', 'targetLocation', 'context'];
}

export function defaultSite(sites: Site[]): Site | undefined {
  return sites.find((s) => s.default) ?? sites[0];
}

export interface Derived {
  siteCode?: string;
  currency?: string;
  targetLocation?: string;
  language?: string;
}

/** Anonymous session: the default site's code, currency and home-base country (§6); login parameters win. */
export function deriveAnonymous(sites: Site[], params: Derived = {}): Derived {
  const site = defaultSite(sites);
  return {
    siteCode: params.siteCode ?? site?.code,
    currency: params.currency ?? site?.currency,
    targetLocation: params.targetLocation ?? site?.homeBase?.address?.country,
    language: params.language ?? site?.defaultLanguage,
  };
}

function defaultAddressCountry(profile: SeedProfile, tag: string): string | undefined {
  const tagged = (profile.addresses ?? []).filter((a) => (a.tags ?? []).includes(tag));
  return (tagged.find((a) => a.isDefault) ?? tagged[0])?.country;
}

/**
 * Logged-in customer (§6): preferredCurrency, preferredSite, then the default shipping address's country,
 * then the billing address's, then the default site's home-base country.
 */
export function deriveCustomer(sites: Site[], profile: SeedProfile): Derived {
  const site = defaultSite(sites);
  return {
    siteCode: profile.preferredSite ?? site?.code,
    currency: profile.preferredCurrency ?? site?.currency,
    targetLocation:
      defaultAddressCountry(profile, 'SHIPPING') ??
      defaultAddressCountry(profile, 'BILLING') ??
      site?.homeBase?.address?.country,
    language: profile.preferredLanguage ?? site?.defaultLanguage,
  };
}

export type VersionProblem = 'missing-metadata' | 'missing-version' | 'not-integer';

/** `metadata` is required in the PATCH and PUT request schemas, and `metadata.version` is an integer. */
export function readVersion(body: Record<string, unknown>): number | VersionProblem {
  const metadata = body.metadata;
  if (metadata === undefined || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return 'missing-metadata';
  }
  const version = (metadata as Record<string, unknown>).version;
  if (version === undefined || version === null) return 'missing-version';
  if (typeof version !== 'number' || !Number.isInteger(version)) return 'not-integer';
  return version;
}

/** `Context` values: the spec says object, its own example and ContextAttribute say string too (§1). */
export function isContextValue(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A timestamp strictly after `previous`, so that modifiedAt always moves forward. */
export function nextTimestamp(previous?: string): string {
  const now = Date.now();
  const prev = previous ? Date.parse(previous) : 0;
  return new Date(Math.max(now, prev + 1)).toISOString();
}
