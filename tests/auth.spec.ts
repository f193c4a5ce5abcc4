/**
 * Who may call what. The gateway answers a missing, malformed or unknown bearer token 401 with an
 * Apigee fault body (BEHAVIOUR.md §4); management endpoints need a service token with
 * sessioncontext.context_manage; "Logs out a customer and invalidates their customer token."
 */
import { expect, expectNoSessionData, req, test } from './support/fixtures.js';
import type { Api, Exchange } from './support/api.js';
import type { ContextSession } from './support/flows.js';

type Operation = { name: string; call: (api: Api, headers: Record<string, string>, session: ContextSession) => Promise<Exchange> };

/** Each operation with an Authorization header given verbatim (or none at all). */
const operations: Operation[] = [
  { name: 'GET /me/context', call: (api, headers) => api.send('GET', `/session-context/${api.tenant}/me/context`, { headers }) },
  {
    name: 'PATCH /me/context',
    call: (api, headers) => api.send('PATCH', `/session-context/${api.tenant}/me/context`, { headers, json: { currency: 'EUR', metadata: { version: 1 } } }),
  },
  {
    name: 'POST /me/context/attributes',
    call: (api, headers) => api.send('POST', `/session-context/${api.tenant}/me/context/attributes`, { headers, json: { key: 'conformanceIntruder', value: 'x' } }),
  },
  {
    name: 'GET /context/{sessionId}',
    call: (api, headers, session) => api.send('GET', `/session-context/${api.tenant}/context/${encodeURIComponent(session.sessionId)}`, { headers }),
  },
];

const badHeaders: { name: string; headers: () => Record<string, string> }[] = [
  { name: 'no Authorization header', headers: () => ({}) },
  { name: 'a Basic Authorization header', headers: () => ({ authorization: 'Basic eHl6Onh5eg==' }) },
  { name: "'Bearer' without a token", headers: () => ({ authorization: 'Bearer' }) },
  // Opaque like a real access token (BEHAVIOUR.md §4), but never issued.
  { name: 'an unknown bearer token', headers: () => ({ authorization: `Bearer ${crypto.randomUUID().replace(/-/g, '')}Xy` }) },
];

test.describe('authentication and authorization', () => {
  for (const op of operations) {
    for (const bad of badHeaders) {
      test(`${op.name} with ${bad.name} answers 401 with the gateway fault and no session data`, req('SC-AUTH-01', 'SC-SCHEMA-04'), async ({ flows, api }) => {
        const session = await flows.withContext();
        const before = await flows.context(session.token);
        const res = await op.call(api, bad.headers(), session);
        expect(res).toHaveStatus(401);
        expect(res).toMatchSchema('GatewayFault');
        expectNoSessionData(res, session.cartId);
        await flows.expectUnchanged(session.token, before, 'a rejected request');
      });
    }
  }

  const storefrontCallers: { name: string; login: 'anonymous' | 'customer' }[] = [
    { name: 'an anonymous token', login: 'anonymous' },
    { name: 'a customer token', login: 'customer' },
  ];
  for (const who of storefrontCallers) {
    test(`GET /context/{sessionId} with ${who.name} of that very session answers 401 or 403 and no session data`, req('SC-AUTH-02'), async ({ flows, api }) => {
      const session = await flows.withContext();
      const token = who.login === 'customer' ? (await flows.customer(undefined, session)).token : session.token;
      const res = await api.getContext(token, session.sessionId);
      expect(res).toHaveStatus([401, 403]);
      expectNoSessionData(res, session.cartId);
    });

    test(`PUT /context/{sessionId} with ${who.name} of that very session answers 401 or 403 and changes nothing`, req('SC-AUTH-02'), async ({ flows, api }) => {
      const session = await flows.withContext();
      const customer = who.login === 'customer' ? await flows.customer(undefined, session) : undefined;
      const token = customer?.token ?? session.token;
      const before = await flows.context(token);
      const { metadata, ...fields } = before;
      const res = await api.putContext(token, session.sessionId, { ...fields, context: { conformanceIntruder: 'x' }, metadata: { version: metadata.version } }, { saasToken: customer?.saasToken });
      expect(res).toHaveStatus([401, 403]);
      await flows.expectUnchanged(token, before, 'a rejected PUT');
    });
  }

  test('GET /context/{sessionId} with a service token lacking sessioncontext.context_manage answers 403', req('SC-AUTH-03'), async ({ flows, api }) => {
    const token = await flows.limitedServiceToken();
    const session = await flows.withContext();
    const res = await api.getContext(token, session.sessionId);
    expect(res).toHaveStatus(403);
    expectNoSessionData(res, session.cartId);
  });

  test('PUT /context/{sessionId} with a service token lacking sessioncontext.context_manage answers 403 and changes nothing', req('SC-AUTH-03'), async ({ flows, api }) => {
    const token = await flows.limitedServiceToken();
    const session = await flows.withContext();
    const before = await flows.context(session.token);
    const { metadata, ...fields } = before;
    const res = await api.putContext(token, session.sessionId, { ...fields, context: { conformanceUnscoped: 'x' }, metadata: { version: metadata.version } });
    expect(res).toHaveStatus(403);
    await flows.expectUnchanged(session.token, before, 'a rejected PUT');
  });

  test('after logout the customer token gets 401 on GET /me/context', req('SC-AUTH-04'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const customer = await flows.customer(undefined, session);
    expect(await api.getOwnContext(customer.token), 'the token works before logout').toHaveStatus(200);
    const logout = await api.customerLogout(customer.token);
    expect(logout).toHaveStatus(204);
    flows.forgetCustomer(customer.token);
    const res = await api.getOwnContext(customer.token);
    expect(res).toHaveStatus(401);
    expectNoSessionData(res, session.cartId);
  });
});
