/**
 * When a context exists, and whose it is. BEHAVIOUR.md §3: the documents conflict on whether a context exists
 * right after anonymous login; once a cart exists for the session, it must.
 */
import { expect, record, req, test } from './support/fixtures.js';

test.describe('context existence', () => {
  test('before a cart exists, GET /me/context answers 200 or 404', req('SC-CART-02'), async ({ flows, api }, testInfo) => {
    const session = await flows.anonymous();
    const res = await api.getOwnContext(session.token);
    record(testInfo, `context right after anonymous login: ${res.status}`);
    expect(res).toHaveStatus([200, 404]);
  });

  test('once a cart is created, the context exists and carries its cartId', req('SC-CART-01'), async ({ flows }) => {
    const session = await flows.anonymous();
    const cartId = await flows.createCart(session.token);
    await flows.waitForContext(session.token);
    const context = await flows.context(session.token);
    expect(context.cartId).toBe(cartId);
  });

  test("GET /me/context answers the context of the token's own session", req('SC-GET-01'), async ({ flows }) => {
    const [a, b] = [await flows.withContext(), await flows.withContext()];
    expect((await flows.context(a.token)).sessionId).toBe(a.sessionId);
    expect((await flows.context(b.token)).sessionId).toBe(b.sessionId);
  });
});
