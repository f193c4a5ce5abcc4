/**
 * Area 1: response schemas. Every 200 body of GET validates against the SessionContext of the selected spec
 * version; every error body with a documented shape validates against it (schemas/session-context.openapi.json).
 */
import { expect, record, req, test } from './support/fixtures.js';
import { sessionContextSchema } from './support/schemas.js';

test.describe('response schemas', () => {
  test('GET /me/context answers a SessionContext for an anonymous session', req('SC-SCHEMA-01'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const res = await api.getOwnContext(session.token);
    expect(res).toHaveStatus(200);
    expect(res).toMatchSchema(sessionContextSchema(flows.specVersion));
  });

  test('GET /me/context answers a SessionContext for a logged-in customer', req('SC-SCHEMA-01'), async ({ flows }) => {
    const customer = await flows.customer();
    await flows.createCart(customer.token);
    const res = await flows.waitForContext(customer.token);
    expect(res).toMatchSchema(sessionContextSchema(flows.specVersion));
  });

  test('a context holding string and object attributes is still a SessionContext', req('SC-SCHEMA-01'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const before = await flows.context(session.token);
    const patch = await api.patchOwnContext(session.token, {
      context: { conformanceObject: { a: 'b', nested: { n: 1 } }, conformanceString: 'plain' },
      metadata: { version: before.metadata.version },
    });
    expect(patch).toHaveStatus(204);
    const res = await api.getOwnContext(session.token);
    expect(res).toMatchSchema(sessionContextSchema(flows.specVersion));
  });

  test('GET /context/{sessionId} answers a SessionContext to a service client', req('SC-SCHEMA-02'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const res = await api.getContext(await flows.serviceToken(), session.sessionId);
    expect(res).toHaveStatus(200);
    expect(res).toMatchSchema(sessionContextSchema(flows.specVersion));
    expect((res.json as { sessionId: string }).sessionId).toBe(session.sessionId);
  });

  test('a 404 for an unknown session id carries the NotFound body', req('SC-SCHEMA-03'), async ({ flows, api }) => {
    const res = await api.getContext(await flows.serviceToken(), crypto.randomUUID());
    expect(res).toHaveStatus(404);
    expect(res).toMatchSchema('NotFound');
  });

  test('a 404 for a stale PATCH carries the NotFound body', req('SC-SCHEMA-03'), async ({ flows, api }, testInfo) => {
    const session = await flows.withContext();
    const before = await flows.context(session.token);
    const res = await api.patchOwnContext(session.token, { currency: before.currency, metadata: { version: before.metadata.version + 5 } });
    expect(res).toHaveStatus([404, 409]);
    record(testInfo, `stale version answered ${res.status}`);
    test.skip(res.status !== 404, 'the target answers 409 to a stale version; only 404 has a documented body');
    expect(res).toMatchSchema('NotFound');
  });

  test('a request without a bearer token gets the gateway fault body', req('SC-SCHEMA-04'), async ({ api }) => {
    const res = await api.getOwnContext(undefined);
    expect(res).toHaveStatus(401);
    expect(res).toMatchSchema('GatewayFault');
  });

  test('a request with an unknown bearer token gets the gateway fault body', req('SC-SCHEMA-04'), async ({ api }) => {
    const res = await api.getOwnContext(`conformance-unknown-${crypto.randomUUID()}`);
    expect(res).toHaveStatus(401);
    expect(res).toMatchSchema('GatewayFault');
  });
});
