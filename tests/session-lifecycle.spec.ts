/**
 * A session across its tokens. "The customer session keeps the anonymous session_id and the same session
 * context" (BEHAVIOUR.md §4); anonymous refresh answers the same sessionId, and the refresh token rotates
 * (observed). Whether login raises metadata.version or overwrites PATCHed values is UNKNOWN and not asserted.
 */
import { expect, record, req, test } from './support/fixtures.js';

/** One live test reads session_id instead of sessionId (BEHAVIOUR.md §4): accept either. */
function sessionIdOf(body: unknown): string | undefined {
  const b = (body ?? {}) as Record<string, string | undefined>;
  return b.sessionId ?? b.session_id;
}

test.describe('session lifecycle', () => {
  test('customer login with an anonymous token answers the anonymous session id', req('SC-LIFE-01'), async ({ flows }) => {
    const anonymous = await flows.anonymous();
    const customer = await flows.customer(undefined, anonymous);
    expect(sessionIdOf(customer.login.json), 'session_id of the login answer').toBe(anonymous.sessionId);
  });

  test('after customer login the customer token reads the same context, with the cartId of the anonymous cart', req('SC-LIFE-02'), async ({ flows }) => {
    const anonymous = await flows.withContext();
    const customer = await flows.customer(undefined, anonymous);
    const context = await flows.context(customer.token);
    expect(context.sessionId, 'the same session').toBe(anonymous.sessionId);
    expect(context.cartId, 'the cart created with the anonymous token').toBe(anonymous.cartId);
  });

  test('customer login sets customerId in the context; an anonymous context has none', req('SC-LIFE-03', 'SC-GET-02'), async ({ flows, api }, testInfo) => {
    const anonymous = await flows.withContext();
    expect([undefined, null, ''], 'no customerId before login').toContain((await flows.context(anonymous.token)).customerId);
    const customer = await flows.customer(undefined, anonymous);
    const context = await flows.context(customer.token);
    expect(context.customerId, 'customerId after login').toEqual(expect.any(String));
    expect(context.customerId).not.toBe('');
    // Which profile field customerId mirrors is not documented; the answer is recorded, not asserted.
    const me = await api.customerMe(customer.token);
    const profile = (me.json ?? {}) as { id?: string; customerNumber?: string };
    record(testInfo, `customerId ${context.customerId === profile.id ? 'equals' : 'differs from'} the profile id`);
  });

  test('anonymous refresh answers the same session id', req('SC-LIFE-04'), async ({ flows, api, target }) => {
    const anonymous = await flows.anonymous();
    const res = await api.anonymousRefresh(target.storefrontClientId, anonymous.refreshToken);
    expect(res).toHaveStatus(200);
    expect(sessionIdOf(res.json), 'sessionId of the refresh answer').toBe(anonymous.sessionId);
  });

  test('the token from an anonymous refresh reads the same context', req('SC-LIFE-04'), async ({ flows, api, target }) => {
    const anonymous = await flows.withContext();
    const res = await api.anonymousRefresh(target.storefrontClientId, anonymous.refreshToken);
    expect(res).toHaveStatus(200);
    const refreshed = (res.json as { access_token: string }).access_token;
    const context = await flows.context(refreshed);
    expect(context.sessionId).toBe(anonymous.sessionId);
    expect(context.cartId).toBe(anonymous.cartId);
  });

  test('each anonymous refresh answers a new refresh token (observed)', req('SC-LIFE-05'), async ({ flows, api, target }) => {
    const anonymous = await flows.anonymous();
    const first = await api.anonymousRefresh(target.storefrontClientId, anonymous.refreshToken);
    expect(first).toHaveStatus(200);
    const rotated = (first.json as { refresh_token: string }).refresh_token;
    // Compared as booleans: a matcher would print the tokens themselves, and they are still valid.
    expect(typeof rotated === 'string' && rotated.length > 0, 'a refresh token is answered').toBe(true);
    expect(rotated === anonymous.refreshToken, 'the refresh token rotates').toBe(false);
    // The rotated token is the one to use next, and it rotates again.
    const second = await api.anonymousRefresh(target.storefrontClientId, rotated);
    expect(second).toHaveStatus(200);
    expect((second.json as { refresh_token: string }).refresh_token === rotated, 'the refresh token rotates again').toBe(false);
  });
});
