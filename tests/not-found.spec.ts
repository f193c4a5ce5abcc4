/**
 * Area 5: 404 on an unknown session. "The session context is created when a cart is created; if none exists yet,
 * the response is 404." The own-session cases need a target that creates contexts at cart time; the bundled mock
 * is set that way here, a live target is probed and the cases are skipped when it creates contexts at login.
 */
import { expect, req, test } from './support/fixtures.js';
import type { Flows } from './support/flows.js';

/** An anonymous session that has no context yet; the test is skipped on a target that creates one at login. */
async function sessionWithoutContext(flows: Flows) {
  const session = await flows.anonymous();
  // A 404 right after login may only be propagation (BEHAVIOUR.md §3): absent means 404 for the whole bound.
  const { absent, res: probe } = await flows.contextAbsent(session.token);
  test.skip(!absent, 'the target creates contexts at anonymous login; no session without a context can be made');
  return { session, probe };
}

test.use({ mockSettings: { contextCreation: 'cart' } });

test.describe('404 on an unknown session', () => {
  test('GET /me/context for a session without a context answers 404 with the NotFound body', req('SC-404-01', 'SC-SCHEMA-03'), async ({ flows }) => {
    const { probe: res } = await sessionWithoutContext(flows);
    expect(res).toHaveStatus(404);
    expect(res).toMatchSchema('NotFound');
  });

  test('PATCH /me/context for a session without a context answers 404 and creates nothing', req('SC-404-02'), async ({ flows, api }) => {
    const { session } = await sessionWithoutContext(flows);
    const res = await api.patchOwnContext(session.token, { currency: 'EUR', metadata: { version: 1 } });
    expect(res).toHaveStatus(404);
    expect(res).toMatchSchema('NotFound');
    const { absent, res: after } = await flows.contextAbsent(session.token);
    expect(absent, `a PATCH does not create a context (GET answered ${after.status})`).toBe(true);
  });

  test('GET /context/{sessionId} for a random session id answers 404 with the NotFound body', req('SC-404-03', 'SC-SCHEMA-03'), async ({ flows, api }) => {
    const res = await api.getContext(await flows.serviceToken(), crypto.randomUUID());
    expect(res).toHaveStatus(404);
    expect(res).toMatchSchema('NotFound');
  });

  test('GET /context/{sessionId} for an anonymous session without a context answers 404', req('SC-404-03'), async ({ flows, api }) => {
    const { session } = await sessionWithoutContext(flows);
    const res = await api.getContext(await flows.serviceToken(), session.sessionId);
    expect(res).toHaveStatus(404);
    expect(res).toMatchSchema('NotFound');
  });
});
