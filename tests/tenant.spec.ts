/**
 * Area 2: tenant validation. The tenant path parameter is `^[a-z][a-z0-9]+$`, 3 to 16 characters. Which 4xx a
 * target answers is not settled (400, 401 and 403 are all documented somewhere): the class is asserted, the
 * status recorded.
 */
import { appliesTo, loadCases, tenantNames, type TenantInput } from './support/cases.js';
import type { Api, Exchange } from './support/api.js';
import { expect, expectNoSessionData, record, req, test } from './support/fixtures.js';
import type { SessionContext } from './support/flows.js';

const rows = loadCases(tenantNames);

function segmentFor(input: TenantInput, tenant: string): string {
  switch (input.derive) {
    case undefined:
      return input.segment!;
    case 'append-digit':
      return tenant.length < 16 ? `${tenant}7` : `${tenant.slice(0, 15)}7`;
    case 'pad-to-17':
      return tenant.length >= 17 ? tenant : `${tenant}${'x'.repeat(17 - tenant.length)}`;
    case 'first-2':
      return tenant.slice(0, 2);
    case 'leading-space':
      return `%20${tenant}`;
    case 'append-hyphen':
      return `${tenant}-x`;
  }
}

test.describe('tenant validation', () => {
  test("the token's own tenant in lowercase is accepted", req('SC-TENANT-03'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const res = await api.getOwnContext(session.token, flows.target.tenant);
    expect(res).toHaveStatus(200);
  });

  // The same rows under each operation: the request changes, the verdict does not.
  const operations: { rule: string; send: (api: Api, token: string, segment: string, before: SessionContext) => Promise<Exchange> }[] = [
    { rule: 'GET /me/context with a foreign or invalid tenant gets a 4xx and no session data', send: (api, token, segment) => api.getOwnContext(token, segment) },
    {
      rule: 'PATCH /me/context with a foreign or invalid tenant gets a 4xx and changes nothing',
      send: (api, token, segment, before) => api.patchOwnContext(token, { context: { conformanceTenantProbe: 'x' }, metadata: { version: before.metadata.version } }, segment),
    },
  ];
  for (const op of operations) {
    test.describe(op.rule, () => {
      for (const c of rows) {
        test(c.description, req(...c.requirements), async ({ flows, api }, testInfo) => {
          test.skip(!appliesTo(c, flows.specVersion), `not part of the ${flows.specVersion} contract (SPEC_VERSION)`);
          const session = await flows.withContext();
          const segment = segmentFor(c.input, flows.target.tenant);
          test.skip(segment === flows.target.tenant, "this case reduces to the target's own tenant");
          const before = await flows.context(session.token);
          const res = await op.send(api, session.token, segment, before);
          record(testInfo, `tenant "${decodeURIComponent(segment)}" answered ${res.status}`);
          expect(res).toHaveStatus(c.expect.status);
          expectNoSessionData(res, session.cartId);
          await flows.expectUnchanged(session.token, before, 'a request under another tenant');
        });
      }
    });
  }
});
