/**
 * The default values a session context should start with, computed from a target's own data
 * (GET /site/{tenant}/sites and GET /customer/{tenant}/me?expand=addresses). BEHAVIOUR.md §6.
 * Each field answers the list of acceptable values; `null` stands for "absent or empty".
 */
export interface SiteData {
  code: string;
  default?: boolean;
  currency?: string;
  homeBase?: { address?: { country?: string } };
}

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
  /** Which documented rule produced each value, for titles and failure messages. */
  rules: { siteCode: string; currency: string; targetLocation: string };
}

export function defaultSiteOf(sites: SiteData[]): SiteData | undefined {
  return sites.find((s) => s.default === true);
}

/** Anonymous-login parameters (2026-04 on) win over the default site's values. */
export function expectedAnonymous(sites: SiteData[], params: { siteCode?: string; currency?: string; targetLocation?: string } = {}): ExpectedContext {
  const site = defaultSiteOf(sites);
  const home = site?.homeBase?.address?.country;
  return {
    siteCode: [params.siteCode ?? site?.code ?? null],
    currency: [params.currency ?? site?.currency ?? null],
    targetLocation: [params.targetLocation ?? home ?? null],
    rules: {
      siteCode: params.siteCode ? 'login parameter' : 'default site',
      currency: params.currency ? 'login parameter' : "default site's currency",
      targetLocation: params.targetLocation ? 'login parameter' : "default site's home-base country",
    },
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

export function expectedCustomer(sites: SiteData[], profile: ProfileData): ExpectedContext {
  const site = defaultSiteOf(sites);
  const shipping = defaultTagged(profile.addresses, 'SHIPPING');
  const billing = defaultTagged(profile.addresses, 'BILLING');
  const home = site?.homeBase?.address?.country;
  let targetLocation: Acceptable;
  let rule: string;
  if (shipping) [targetLocation, rule] = [[shipping.country!], 'default shipping address'];
  else if (billing) [targetLocation, rule] = [[billing.country!], 'default billing address (no shipping address)'];
  // The seeds say the home-base country, the tutorial says empty (CONFLICT, §6): either is accepted.
  else [targetLocation, rule] = [[home ?? null, null], "default site's home-base country, or empty"];
  return {
    siteCode: [profile.preferredSite ?? site?.code ?? null],
    currency: [profile.preferredCurrency ?? site?.currency ?? null],
    targetLocation,
    rules: {
      siteCode: profile.preferredSite ? 'preferredSite' : 'default site (no preferredSite)',
      currency: profile.preferredCurrency ? 'preferredCurrency' : "default site's currency (no preferredCurrency)",
      targetLocation: rule,
    },
  };
}

export function isAcceptable(actual: unknown, acceptable: Acceptable): boolean {
  const normalized = actual === undefined || actual === '' ? null : actual;
  return acceptable.some((a) => (a === null ? normalized === null : a === normalized));
}
