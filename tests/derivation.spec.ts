/**
 * Area 6: default derivation (BEHAVIOUR.md §6). On the bundled mock a table of seeded customer profiles covers
 * every branch; on any target, the expected values are computed from the target's own data by
 * tests/support/derivation.ts (tested in tests/self/derivation.spec.ts).
 */
import type { TestInfo } from '@playwright/test';
import { appliesTo, derivationProfiles, loadCases } from './support/cases.js';
import { expect, record, req, test } from './support/fixtures.js';
import type { SessionContext } from './support/flows.js';
import { addressesAreAmbiguous, expectedAnonymous, expectedCustomer, isAcceptable, type ExpectedContext } from './support/derivation.js';
import { activeSites, defaultSiteOf, otherValue } from './support/sites.js';

const rows = loadCases(derivationProfiles);

/** Says in the report where the tenant's data made the expectation accept more than one answer, and why. */
function recordNotes(testInfo: TestInfo, expected: ExpectedContext): void {
  for (const note of expected.notes) record(testInfo, note);
}

function expectDerived(context: SessionContext, expected: Pick<ExpectedContext, 'siteCode' | 'currency' | 'targetLocation'>, rules?: ExpectedContext['rules']): void {
  for (const field of ['siteCode', 'currency', 'targetLocation'] as const) {
    const why = rules ? ` (rule: ${rules[field]})` : '';
    expect(isAcceptable(context[field], expected[field]), `${field} is ${JSON.stringify(context[field])}; acceptable: ${JSON.stringify(expected[field])}${why}`).toBe(true);
  }
}

test.describe('default derivation: seeded profiles on the bundled mock', () => {
  for (const c of rows) {
    test(c.description, req(...c.requirements), async ({ flows, target }) => {
      test.skip(target.kind !== 'mock', 'these profiles are seeded into the bundled mock; a live target is covered by the computed cases');
      test.skip(!appliesTo(c, flows.specVersion), `not part of the ${flows.specVersion} contract (SPEC_VERSION)`);
      let token: string;
      if (c.input.customer) {
        const seeded = target.mock!.seed.tenants[0].customers.find((x) => x.email === c.input.customer);
        expect(seeded, `fixtures/derivation-profiles.json names ${c.input.customer}, which is not in the mock seed`).toBeTruthy();
        const customer = await flows.customer({ email: seeded!.email, password: seeded!.password });
        token = customer.token;
      } else {
        token = (await flows.anonymous(c.input.anonymous)).token;
      }
      await flows.createCart(token);
      await flows.waitForContext(token);
      expectDerived(await flows.context(token), c.expect);
    });
  }
});

test.describe("default derivation computed from the target's own data", () => {
  test("an anonymous session starts on the default site, with its currency and home-base country", req('SC-DERIVE-ANON-01', 'SC-DERIVE-ANON-02', 'SC-DERIVE-ANON-03'), async ({ flows }, testInfo) => {
    const session = await flows.withContext();
    const expected = expectedAnonymous(await flows.sites(session.token));
    recordNotes(testInfo, expected);
    expectDerived(await flows.context(session.token), expected, expected.rules);
  });

  test('anonymous-login parameters win over the default site (spec 2026-04)', req('SC-DERIVE-ANON-04'), async ({ flows }) => {
    test.skip(flows.specVersion !== '2026-04', 'anonymous-login context parameters arrived on 2026-04-21 (SPEC_VERSION=2022-11)');
    const probe = await flows.anonymous();
    const sites = await flows.sites(probe.token);
    // Another site than the default where the tenant has one, so the parameters differ from the defaults.
    const code = otherValue(sites, 'siteCode', { siteCode: defaultSiteOf(sites)?.code }) ?? defaultSiteOf(sites)?.code;
    const other = activeSites(sites).find((s) => s.code === code) ?? sites[0];
    const params = { siteCode: other.code, currency: other.currency, targetLocation: other.homeBase?.address?.country };
    const session = await flows.withContext(params);
    const expected = expectedAnonymous(sites, params);
    expectDerived(await flows.context(session.token), expected, expected.rules);
  });

  test("a logged-in customer's context follows their profile", req('SC-DERIVE-CUST-01', 'SC-DERIVE-CUST-03', 'SC-DERIVE-CUST-05'), async ({ flows, api }, testInfo) => {
    const customer = await flows.customer();
    const me = await api.customerMe(customer.token);
    expect(me).toHaveStatus(200);
    const profile = me.json as Parameters<typeof expectedCustomer>[1];
    const sites = await flows.sites(customer.token);
    await flows.createCart(customer.token);
    await flows.waitForContext(customer.token);
    const context = await flows.context(customer.token);
    const expected = expectedCustomer(sites, profile);
    // Which address is "the default shipping address" is UNKNOWN when the profile is ambiguous (§6).
    if (addressesAreAmbiguous(profile)) {
      expected.targetLocation = [context.targetLocation ?? null];
      expected.notes.push('which address is "the default shipping address" is ambiguous in this profile: any targetLocation is accepted');
    }
    recordNotes(testInfo, expected);
    expectDerived(context, expected, expected.rules);
  });
});
