/**
 * The target's own sites (GET /site/{tenant}/sites, BEHAVIOUR.md §6), read the one way the whole suite reads them:
 * which site is "the default site", and which values a test may write because the target itself offers them.
 */

/** The SiteDto fields the suite reads. */
export interface Site {
  code: string;
  default?: boolean;
  active?: boolean;
  currency?: string;
  availableCurrencies?: string[];
  homeBase?: { address?: { country?: string } };
  shipToCountries?: string[];
  languages?: string[];
}

export function activeSites<S extends Site>(sites: S[]): S[] {
  return sites.filter((s) => s.active !== false);
}

/**
 * The sites that may count as "the default site". Documented: the site with `default: true`. Not documented, so
 * every plausible choice is kept and `settled` is false: no site flagged (any active site), an inactive flagged
 * site (it, or any active site), several flagged (any of them). The order of the list never matters.
 */
export function defaultSiteCandidates<S extends Site>(sites: S[]): { sites: S[]; settled: boolean; why?: string } {
  const flagged = sites.filter((s) => s.default === true);
  const active = activeSites(sites);
  const flaggedActive = flagged.filter((s) => s.active !== false);
  if (flaggedActive.length === 1) return { sites: flaggedActive, settled: true };
  if (flaggedActive.length > 1) return { sites: flaggedActive, settled: false, why: 'several active sites are flagged default' };
  if (flagged.length > 0) return { sites: unique([...flagged, ...active]), settled: false, why: 'the site flagged default is inactive' };
  return { sites: active.length ? active : sites, settled: false, why: 'no site is flagged default' };
}

/** The one site a test uses as the default: the flagged one, else the first active site; undefined without sites. */
export function defaultSiteOf<S extends Site>(sites: S[]): S | undefined {
  return defaultSiteCandidates(sites).sites[0];
}

/** The context fields whose values come from the sites. */
export type SiteField = 'siteCode' | 'currency' | 'targetLocation' | 'language';
export const SITE_FIELDS: readonly SiteField[] = ['siteCode', 'currency', 'targetLocation', 'language'];

/** Values of a field the target offers: the given site's own first, then those of the other active sites. */
function offered(sites: Site[], field: SiteField, site: Site | undefined): string[] {
  const own = (s: Site | undefined): (string | undefined)[] => {
    if (!s) return [];
    switch (field) {
      case 'siteCode':
        return [s.code];
      case 'currency':
        return [...(s.availableCurrencies ?? []), s.currency];
      case 'targetLocation':
        return [...(s.shipToCountries ?? []), s.homeBase?.address?.country];
      case 'language':
        return s.languages ?? [];
    }
  };
  return unique([...own(site), ...activeSites(sites).flatMap(own)].filter((v): v is string => !!v));
}

/**
 * A value of `field` other than the current one, from the target's own active sites, so that no validation can
 * refuse it: the current site's values first (the default site's when the current site is not known), then the
 * other sites'. Undefined when the target offers no other value (a single-site tenant has no other siteCode).
 */
export function otherValue(sites: Site[], field: SiteField, current: Partial<Record<SiteField, unknown>>): string | undefined {
  const site = activeSites(sites).find((s) => s.code === current.siteCode) ?? defaultSiteOf(sites);
  return offered(sites, field, site).find((v) => v !== current[field]);
}

/** `otherValue` for several fields at once. */
export function otherValues<F extends SiteField>(sites: Site[], current: Partial<Record<SiteField, unknown>>, fields: readonly F[]): Record<F, string | undefined> {
  return Object.fromEntries(fields.map((f) => [f, otherValue(sites, f, current)])) as Record<F, string | undefined>;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
