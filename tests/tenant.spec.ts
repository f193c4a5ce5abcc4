/**
 * Area 2: tenant validation. The tenant path parameter is `^[a-z][a-z0-9]+$`, 3 to 16 characters. Which 4xx a
 * target answers is not settled (400, 401 and 403 are all documented somewhere): the class is asserted, the
 * status recorded.
 */
import { readFileSync } from 'node:fs';
import { expect, expectNoSessionData, record, req, test } from './support/fixtures.js';

interface TenantCase {
  description: string;
  segment?: string;
  derive?: 'append-digit' | 'pad-to-17' | 'first-2' | 'leading-space' | 'append-hyphen';
  wellFormed: boolean;
}

const table = JSON.parse(readFileSync(new URL('../fixtures/tenant-names.json', import.meta.url), 'utf8')) as { cases: TenantCase[] };

function segmentFor(c: TenantCase, tenant: string): string {
  switch (c.derive) {
    case undefined:
      return c.segment!;
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

  for (const c of table.cases) {
    const id = c.wellFormed ? 'SC-TENANT-02' : 'SC-TENANT-01';
    const verdict = c.wellFormed ? 'a foreign tenant' : 'an invalid tenant';
    test(`GET /me/context with ${verdict} (${c.description}) gets a 4xx and no session data`, req(id), async ({ flows, api }, testInfo) => {
      const session = await flows.withContext();
      const segment = segmentFor(c, flows.target.tenant);
      test.skip(segment === flows.target.tenant, "this case reduces to the target's own tenant");
      const res = await api.getOwnContext(session.token, segment);
      record(testInfo, `tenant "${decodeURIComponent(segment)}" answered ${res.status}`);
      expect(res).toHaveStatus('4xx');
      expectNoSessionData(res, session.cartId);
    });

    test(`PATCH /me/context with ${verdict} (${c.description}) gets a 4xx and changes nothing`, req(id), async ({ flows, api }, testInfo) => {
      const session = await flows.withContext();
      const segment = segmentFor(c, flows.target.tenant);
      test.skip(segment === flows.target.tenant, "this case reduces to the target's own tenant");
      const before = await flows.context(session.token);
      const res = await api.patchOwnContext(session.token, { context: { conformanceTenantProbe: 'x' }, metadata: { version: before.metadata.version } }, segment);
      record(testInfo, `tenant "${decodeURIComponent(segment)}" answered ${res.status}`);
      expect(res).toHaveStatus('4xx');
      expectNoSessionData(res, session.cartId);
      await flows.expectUnchanged(session.token, before, 'a PATCH under another tenant');
    });
  }
});
