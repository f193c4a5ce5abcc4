/**
 * Default derivation (BEHAVIOUR.md §6) over many realistic profiles: customers generated with @faker-js/faker
 * (mock/customers.ts, seeded, so the same profiles every run) are added to a bundled mock of this worker's
 * settings, each one logs in, and its context is compared with the derivation oracle (tests/support/derivation.ts)
 * computed from the profile and sites the mock itself serves. Profiles whose addresses the oracle calls ambiguous
 * (two defaults for one tag: no document says which wins) are left out. Bundled mock only: the profiles are seeded.
 */
import { expect, req, test } from './support/fixtures.js';
import { addressesAreAmbiguous, expectedCustomer, isAcceptable, type ProfileData } from './support/derivation.js';
import type { Site } from './support/sites.js';
import { generateCustomers } from '../mock/customers.js';
import { loadSeed } from '../mock/settings.js';
import type { SeedCustomer } from '../mock/domain/types.js';

const COUNT = 40;
const GENERATOR_SEED = 8;
const seed = loadSeed();
const tenant = seed.tenants[0];
const generated = generateCustomers(tenant, COUNT, { seed: GENERATOR_SEED, ambiguous: 0.1 });
const profiles = generated.filter((c) => !addressesAreAmbiguous(c.profile as ProfileData));

/** The rules a profile exercises: the requirement IDs its comparison verifies. */
function requirementsOf(c: SeedCustomer): string[] {
  const tagged = (tag: string) => (c.profile.addresses ?? []).some((a) => a.isDefault && (a.tags ?? []).includes(tag));
  return [
    c.profile.preferredCurrency ? 'SC-DERIVE-CUST-01' : 'SC-DERIVE-CUST-02',
    c.profile.preferredSite ? 'SC-DERIVE-CUST-03' : 'SC-DERIVE-CUST-04',
    tagged('SHIPPING') ? 'SC-DERIVE-CUST-05' : tagged('BILLING') ? 'SC-DERIVE-CUST-06' : 'SC-DERIVE-CUST-07',
  ];
}

function describe(c: SeedCustomer): string {
  const p = c.profile;
  const addresses = (p.addresses ?? []).map((a) => `${(a.tags ?? []).join('+')} ${a.country}${a.isDefault ? ' (default)' : ''}`).join(', ');
  return `${p.id}: preferredSite ${p.preferredSite ?? 'none'}, preferredCurrency ${p.preferredCurrency ?? 'none'}, addresses ${addresses || 'none'}`;
}

test.describe(`default derivation: ${profiles.length} generated customer profiles (faker seed ${GENERATOR_SEED}) on the bundled mock`, () => {
  let mock: { url: string; close: () => Promise<void> } | undefined;

  test.beforeAll(async ({ target }) => {
    if (target.kind !== 'mock') return;
    const { startMock } = await import('../mock/app.js');
    const withCustomers = structuredClone(seed);
    withCustomers.tenants[0].customers.push(...generated);
    mock = await startMock(withCustomers, target.mock!.settings);
  });
  test.afterAll(async () => mock?.close());

  for (const customer of profiles) {
    test(`a logged-in customer's context follows the profile and the default site: ${describe(customer)}`, req(...requirementsOf(customer)), async ({ target }) => {
      test.skip(target.kind !== 'mock', 'the generated profiles exist on the bundled mock only; a live target is covered by the computed derivation test');
      const call = async (method: string, path: string, token?: string, body?: unknown) => {
        const res = await fetch(`${mock!.url}${path}`, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
        return text ? JSON.parse(text) : undefined;
      };
      const anonymous = await call('GET', `/customerlogin/auth/anonymous/login?tenant=${tenant.name}&client_id=${tenant.storefrontClientIds[0]}`);
      const login = await call('POST', `/customer/${tenant.name}/login`, anonymous.access_token, { email: customer.email, password: customer.password });
      // A context exists once a cart does, on either context-creation setting (SC-CART-01).
      await call('POST', `/cart/${tenant.name}/carts`, login.access_token, { currency: tenant.sites[0].currency });
      const context = await call('GET', `/session-context/${tenant.name}/me/context`, login.access_token);
      // The oracle reads what any client can read: the tenant's sites and the customer's own profile.
      const sites = (await call('GET', `/site/${tenant.name}/sites`, login.access_token)) as Site[];
      const profile = (await call('GET', `/customer/${tenant.name}/me?expand=addresses`, login.access_token)) as ProfileData;
      const expected = expectedCustomer(sites, profile);
      for (const field of ['siteCode', 'currency', 'targetLocation'] as const) {
        expect(isAcceptable(context[field], expected[field]), `${field} is ${JSON.stringify(context[field])}; acceptable: ${JSON.stringify(expected[field])} (rule: ${expected.rules[field]})`).toBe(true);
      }
    });
  }
});
