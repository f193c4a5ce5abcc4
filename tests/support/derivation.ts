/**
 * The default values a session context starts with, computed from a target's own data
 * (GET /site/{tenant}/sites and GET /customer/{tenant}/me?expand=addresses). BEHAVIOUR.md §6.
 * Each field answers the list of acceptable values; `null` stands for "absent or empty". Where the documents do not
 * say what happens for the tenant's data (no site flagged default, an inactive or unknown preferred site, no
 * address), every plausible answer is acceptable and `notes` says so, for the report.
 */
import { activeSites, defaultSiteCandidates, type Site } from './sites.js';

export interface AddressData {
  country?: string;
  isDefault?: boolean;
  tags?: string[];
}

export interface ProfileData {
  preferredCurrency?: string;
  preferredSite?: string;
  addresses?: AddressData[];
}

export type Acceptable = (string | null)[];

export interface ExpectedContext {
  siteCode: Acceptable;
  currency: Acceptable;
  targetLocation: Acceptable;
  /** Which documented rule produced each value, for failure messages. */
  rules: { siteCode: string; currency: string; targetLocation: string };
  /** Where the tenant's data is not covered by the documents, what is accepted instead and why. */
  notes: string[];
}

type Field = 'siteCode' | 'currency' | 'targetLocation';

/** What "the default site" gives each field: one value when the documents settle it, all plausible ones when not. */
function fromDefaultSite(sites: Site[]): { values: Record<Field, Acceptable>; notes: string[] } {
  const { sites: candidates, settled, why } = defaultSiteCandidates(sites);
  const values = (pick: (s: Site) => string | undefined): Acceptable => {
    const found = candidates.map((s) => pick(s) ?? null);
    // Unsettled, an implementation may also find no default site and leave the field empty.
    return [...new Set(settled && found.length ? found : [...found, null])];
  };
  const notes = [...siteNotes(sites)];
  if (!settled) notes.push(`${why}: any of ${candidates.map((s) => s.code).join(', ') || 'no site'}, or none, is accepted as the default site (no document says which)`);
  return {
    values: { siteCode: values((s) => s.code), currency: values((s) => s.currency), targetLocation: values((s) => s.homeBase?.address?.country) },
    notes,
  };
}

/** Facts about the tenant's sites that the expectation relies on, for the report. */
function siteNotes(sites: Site[]): string[] {
  const notes: string[] = [];
  if (sites.length === 1) notes.push(`single-site tenant: ${sites[0].code} is the only site, so it is the only candidate for the default site`);
  const inactive = sites.filter((s) => s.active === false).map((s) => s.code);
  if (inactive.length) notes.push(`inactive sites (${inactive.join(', ')}) count as the default site only when flagged default`);
  const flagged = sites.findIndex((s) => s.default === true);
  if (flagged > 0) notes.push(`the site flagged default (${sites[flagged].code}) is not listed first: the flag decides, not the order`);
  return notes;
}

/** Anonymous-login parameters (2026-04 on) win over the default site's values. */
export function expectedAnonymous(sites: Site[], params: { siteCode?: string; currency?: string; targetLocation?: string } = {}): ExpectedContext {
  const { values, notes } = fromDefaultSite(sites);
  return {
    siteCode: params.siteCode ? [params.siteCode] : values.siteCode,
    currency: params.currency ? [params.currency] : values.currency,
    targetLocation: params.targetLocation ? [params.targetLocation] : values.targetLocation,
    rules: {
      siteCode: params.siteCode ? 'login parameter' : 'default site',
      currency: params.currency ? 'login parameter' : "default site's currency",
      targetLocation: params.targetLocation ? 'login parameter' : "default site's home-base country",
    },
    notes: params.siteCode && params.currency && params.targetLocation ? [] : notes,
  };
}

/** "The default shipping address": tagged SHIPPING and isDefault (the natural reading; §6). */
function defaultTagged(addresses: AddressData[] | undefined, tag: string): AddressData | undefined {
  return (addresses ?? []).find((a) => a.isDefault === true && (a.tags ?? []).includes(tag) && !!a.country);
}

/** Whether the profile's addresses make the "default shipping address" reading ambiguous (UNKNOWN, §6). */
export function addressesAreAmbiguous(profile: ProfileData): boolean {
  for (const tag of ['SHIPPING', 'BILLING']) {
    const tagged = (profile.addresses ?? []).filter((a) => (a.tags ?? []).includes(tag));
    if (tagged.length > 0 && tagged.filter((a) => a.isDefault === true).length !== 1) return true;
  }
  return false;
}

export function expectedCustomer(sites: Site[], profile: ProfileData): ExpectedContext {
  const { values, notes } = fromDefaultSite(sites);
  const shipping = defaultTagged(profile.addresses, 'SHIPPING');
  const billing = defaultTagged(profile.addresses, 'BILLING');

  let siteCode: Acceptable = values.siteCode;
  let siteRule = 'default site (no preferredSite)';
  const preferred = profile.preferredSite;
  if (preferred && activeSites(sites).some((s) => s.code === preferred)) [siteCode, siteRule] = [[preferred], 'preferredSite'];
  else if (preferred) {
    // "preferredSite, else the default site": whether a site that cannot be used still counts is not documented.
    siteCode = [...new Set([preferred, ...values.siteCode])];
    siteRule = 'preferredSite, or the default site (the preferred site is not an active site)';
    const what = sites.some((s) => s.code === preferred) ? 'an inactive site' : 'not a site';
    notes.push(`preferredSite ${preferred} is ${what} of the tenant: it or the default site is accepted (no document says which)`);
  }

  let targetLocation: Acceptable;
  let locationRule: string;
  if (shipping) [targetLocation, locationRule] = [[shipping.country!], 'default shipping address'];
  else if (billing) [targetLocation, locationRule] = [[billing.country!], 'default billing address (no shipping address)'];
  else {
    // The seeds say the home-base country, the tutorial says empty (CONFLICT, §6): either is accepted.
    [targetLocation, locationRule] = [[...new Set([...values.targetLocation, null])], "default site's home-base country, or empty"];
    notes.push(`the customer has no default shipping or billing address: the default site's home-base country or an empty targetLocation is accepted (the seeds and the tutorial differ)`);
  }

  return {
    siteCode,
    currency: profile.preferredCurrency ? [profile.preferredCurrency] : values.currency,
    targetLocation,
    rules: {
      siteCode: siteRule,
      currency: profile.preferredCurrency ? 'preferredCurrency' : "default site's currency (no preferredCurrency)",
      targetLocation: locationRule,
    },
    notes,
  };
}

export function isAcceptable(actual: unknown, acceptable: Acceptable): boolean {
  const normalized = actual === undefined || actual === '' ? null : actual;
  return acceptable.some((a) => (a === null ? normalized === null : a === normalized));
}
