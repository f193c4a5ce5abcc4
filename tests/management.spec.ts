/**
 * The management endpoints, called with a service token holding sessioncontext.context_manage.
 * PUT "Updates a specified session context. To update a session context, you need to provide its current
 * metadata.version value"; `upsert=true` creates a missing one; the saas-token header "is only required if the
 * session context belongs to a logged-in customer". Attribute POST/DELETE answer 204, without optimistic locking.
 */
import type { Api, Exchange } from './support/api.js';
import { expect, record, req, test } from './support/fixtures.js';
import { saasTokenDemanded, type Flows, type PutSession, type SessionContext } from './support/flows.js';
import { sessionContextSchema } from './support/schemas.js';
import { otherValues as otherValuesOf } from './support/sites.js';

/**
 * A session id of the suite's own that has no context yet, so a PUT can create one without writing to a session
 * the suite did not make. A target that creates contexts at login has none: the test is skipped there.
 */
async function ownSessionWithoutContext(flows: Flows): Promise<string> {
  const session = await flows.anonymous();
  const { absent } = await flows.contextAbsent(session.token);
  test.skip(!absent, 'the target creates contexts at anonymous login; the suite has no session without a context to upsert');
  return session.sessionId;
}

/**
 * Values other than the current ones, taken from the target's own sites: whether the service validates them
 * against the Site, Currency and Country services is UNKNOWN (BEHAVIOUR.md §6), so nothing it could refuse is sent.
 * A tenant that offers no other value gets the current one back (the write then proves less).
 */
async function otherValues(flows: Flows, storefrontToken: string, current: Partial<SessionContext>): Promise<{ currency: string; targetLocation: string }> {
  const other = otherValuesOf(await flows.sites(storefrontToken), current, ['currency', 'targetLocation'] as const);
  return { currency: other.currency ?? current.currency ?? '', targetLocation: other.targetLocation ?? current.targetLocation ?? '' };
}

/** A PUT body that resends the stored resource with the given changes and the given version. */
function putBody(before: SessionContext, changes: Record<string, unknown>, version: number | undefined): Record<string, unknown> {
  const { metadata: _metadata, ...fields } = before;
  const body: Record<string, unknown> = { ...fields, ...changes };
  if (version !== undefined) body.metadata = { version };
  return body;
}

type Put = (body: unknown, opts?: { upsert?: boolean }) => Promise<Exchange>;

/** The first PUT on an anonymous context got the open saas-token refusal: the attempt there ends. */
class SaasTokenDemanded extends Error {}

/**
 * Runs `body` on an anonymous session's context; if the target refuses the first PUT there for want of saas-token
 * (open, BEHAVIOUR.md §8), runs it again on the test customer's context with the customer's saas-token, where the
 * requirement holds just the same (flows.customerForPut skips, naming why, without a test customer). `put` sends
 * the session's saas-token where it has one. A refusal after an accepted PUT is no open answer: the test judges it.
 */
async function onPutSession(flows: Flows, api: Api, body: (s: PutSession, put: Put) => Promise<void>): Promise<void> {
  const service = await flows.serviceToken();
  const attempt = (s: PutSession) => {
    let sent = 0;
    const put: Put = async (content, opts = {}) => {
      const first = sent++ === 0;
      const before = first && !s.customer ? await flows.managedContext(s.sessionId) : undefined;
      const res = await api.putContext(service, s.sessionId, content, { ...opts, saasToken: s.saasToken });
      if (before && saasTokenDemanded(res, s.customer)) {
        expect(await flows.managedContext(s.sessionId), `a PUT refused for want of saas-token (${res.status}) must change nothing`).toEqual(before);
        throw new SaasTokenDemanded();
      }
      return res;
    };
    return body(s, put);
  };
  const anonymous = await flows.withContext();
  try {
    await attempt({ token: anonymous.token, sessionId: anonymous.sessionId, cartId: anonymous.cartId, customer: false });
  } catch (e) {
    if (!(e instanceof SaasTokenDemanded)) throw e;
    await attempt(await flows.customerForPut());
  }
}

test.describe('management endpoints', () => {
  test('PUT with the current metadata.version answers 204 and a following GET shows the values sent', req('SC-MGMT-PUT-01', 'SC-SCHEMA-02'), async ({ flows, api }) => {
    await onPutSession(flows, api, async (session, put) => {
      const before = await flows.managedContext(session.sessionId);
      const values = await otherValues(flows, session.token, before);
      const res = await put(putBody(before, { ...values, context: { conformancePut: 'put', nested: { a: 'b' } } }, before.metadata.version));
      expect(res).toHaveStatus(204);
      const after = await api.getContext(await flows.serviceToken(), session.sessionId);
      expect(after).toHaveStatus(200);
      expect(after).toMatchSchema(sessionContextSchema(flows.specVersion));
      const body = after.json as SessionContext;
      expect(body.currency, 'currency sent by PUT').toBe(values.currency);
      expect(body.targetLocation, 'targetLocation sent by PUT').toBe(values.targetLocation);
      expect(body.context, 'context sent by PUT').toEqual({ conformancePut: 'put', nested: { a: 'b' } });
      expect(body.cartId, 'cartId resent unchanged').toBe(session.cartId ?? before.cartId);
      expect((await flows.context(session.token)).currency, 'the own view shows the same write').toBe(values.currency);
    });
  });

  test('a successful PUT raises metadata.version by exactly 1 (observed)', req('SC-MGMT-PUT-02'), async ({ flows, api }) => {
    await onPutSession(flows, api, async (session, put) => {
      for (let i = 0; i < 3; i++) {
        const before = await flows.managedContext(session.sessionId);
        expect(await put(putBody(before, { context: { step: String(i) } }, before.metadata.version))).toHaveStatus(204);
        const after = await flows.managedContext(session.sessionId);
        expect(after.metadata.version).toBe(before.metadata.version + 1);
      }
    });
  });

  test('PUT with a stale metadata.version is rejected and changes nothing', req('SC-MGMT-PUT-03'), async ({ flows, api }, testInfo) => {
    await onPutSession(flows, api, async (session, put) => {
      // Raise the version first, so that "stale" is a version that once existed.
      const v1 = await flows.managedContext(session.sessionId);
      expect(await put(putBody(v1, { context: { seed: 'v2' } }, v1.metadata.version))).toHaveStatus(204);
      const before = await flows.managedContext(session.sessionId);
      const res = await put(putBody(before, { context: { stale: 'x' } }, before.metadata.version - 1));
      // 404 is what the live API answers to a stale PATCH; 409 is what other Emporix services use (BEHAVIOUR.md §2).
      record(testInfo, `stale PUT answered ${res.status}`);
      expect(res).toHaveStatus([404, 409]);
      expect(await flows.managedContext(session.sessionId), 'a rejected PUT must change nothing').toEqual(before);
    });
  });

  const unversioned: { title: string; metadata: unknown }[] = [
    { title: 'PUT without metadata gets a 4xx and changes nothing', metadata: undefined },
    { title: 'PUT whose metadata has no version gets a 4xx and changes nothing', metadata: {} },
  ];
  for (const c of unversioned) {
    test(c.title, req('SC-MGMT-PUT-07'), async ({ flows, api }, testInfo) => {
      // A refusal for want of saas-token would say nothing about the version: the customer's context is tried then.
      await onPutSession(flows, api, async (session, put) => {
        const before = await flows.managedContext(session.sessionId);
        const body = putBody(before, { context: { unversioned: 'x' } }, undefined);
        if (c.metadata !== undefined) body.metadata = c.metadata;
        const res = await put(body);
        record(testInfo, `${c.title.split(' gets')[0]}: answered ${res.status}`);
        // metadata is required in SessionContext_PUT; which 4xx a missing one gets is not documented.
        expect(res).toHaveStatus('4xx');
        expect(await flows.managedContext(session.sessionId), 'a rejected PUT must change nothing').toEqual(before);
      });
    });
  }

  test('PUT ?upsert=true creates a missing context', req('SC-MGMT-PUT-04', 'SC-SCHEMA-02'), async ({ flows, api }) => {
    const service = await flows.serviceToken();
    const sessionId = await ownSessionWithoutContext(flows);
    // A context that does not exist has no version yet; the schema still requires one, so 1 is sent.
    const res = await api.putContext(service, sessionId, { context: { conformanceUpsert: 'created' }, metadata: { version: 1 } }, { upsert: true });
    if (saasTokenDemanded(res, false)) {
      expect(await api.getContext(service, sessionId), 'a refused upsert creates nothing').toHaveStatus(404);
      // A customer's session already has a context, and whose saas-token could go with an upsert is not documented.
      test.skip(true, 'the target refuses an upsert without saas-token on a session that is not a customer\'s (open, BEHAVIOUR.md §8): no session of the suite can show that upsert creates a context');
    }
    expect(res).toHaveStatus(204);
    // Just created: a live tenant may take a moment to show it (CONFORMANCE_PROPAGATION_MS).
    const after = await flows.poll(() => api.getContext(service, sessionId), (x) => x.status !== 404);
    expect(after, 'the upserted context exists').toHaveStatus(200);
    expect(after).toMatchSchema(sessionContextSchema(flows.specVersion));
    const body = after.json as SessionContext;
    expect(body.sessionId).toBe(sessionId);
    expect(body.context).toEqual({ conformanceUpsert: 'created' });
  });

  test('PUT without upsert for a missing context answers 404 and creates nothing', req('SC-MGMT-PUT-05', 'SC-SCHEMA-03'), async ({ flows, api }) => {
    const service = await flows.serviceToken();
    // A random id on a target that creates contexts at login: a correct target creates nothing for it either way.
    const session = await flows.anonymous();
    const { absent } = await flows.contextAbsent(session.token);
    const sessionId = absent ? session.sessionId : crypto.randomUUID();
    const res = await api.putContext(service, sessionId, { context: { conformanceNoUpsert: 'x' }, metadata: { version: 1 } });
    const demanded = saasTokenDemanded(res, false);
    if (!demanded) {
      expect(res).toHaveStatus(404);
      expect(res).toMatchSchema('NotFound');
    }
    const { absent: stillAbsent, res: after } = await flows.contextAbsent(session.token);
    if (absent) expect(stillAbsent, `a PUT without upsert does not create a context (GET answered ${after.status})`).toBe(true);
    else expect(await api.getContext(service, sessionId), 'a PUT without upsert does not create a context').toHaveStatus(404);
    // The answer to a missing context without upsert is only seen where the header question does not come first.
    test.skip(demanded, 'the target refuses a PUT without saas-token on a session that is not a customer\'s before it looks for the context (open, BEHAVIOUR.md §8): it created nothing, but its 404 for a missing context is not seen');
  });

  test("PUT on a logged-in customer's context with that customer's saas-token answers 204 and applies the values", req('SC-MGMT-PUT-06'), async ({ flows, api }) => {
    const anonymous = await flows.withContext();
    const customer = await flows.customer(undefined, anonymous);
    const service = await flows.serviceToken();
    const before = await flows.managedContext(customer.sessionId);
    expect(before.customerId, 'the context belongs to a logged-in customer').toEqual(expect.any(String));
    const values = await otherValues(flows, customer.token, before);
    // "the value of the token and the customerId in the request body must belong to the same customer": the body resends it.
    const res = await api.putContext(service, customer.sessionId, putBody(before, { ...values, context: { conformanceSaas: 'yes' } }, before.metadata.version), { saasToken: customer.saasToken });
    expect(res).toHaveStatus(204);
    const after = await flows.managedContext(customer.sessionId);
    expect(after.currency).toBe(values.currency);
    expect(after.context).toEqual({ conformanceSaas: 'yes' });
    expect(after.customerId, 'the customer stays the owner').toBe(before.customerId);
  });

  test("PUT on a logged-in customer's context without a saas-token is rejected and changes nothing (observed)", req('SC-MGMT-PUT-08'), async ({ flows, api }, testInfo) => {
    const anonymous = await flows.withContext();
    const customer = await flows.customer(undefined, anonymous);
    const service = await flows.serviceToken();
    const before = await flows.managedContext(customer.sessionId);
    const values = await otherValues(flows, customer.token, before);
    const res = await api.putContext(service, customer.sessionId, putBody(before, { ...values, context: { conformanceNoSaas: 'x' } }, before.metadata.version));
    // Seen rejected with "Required Header [saas-token]" (BEHAVIOUR.md §2); the status is not documented.
    record(testInfo, `PUT without saas-token answered ${res.status}`);
    expect(res).toHaveStatus('4xx');
    expect(await flows.managedContext(customer.sessionId), 'a rejected PUT must change nothing').toEqual(before);
  });

  test('POST /context/{sessionId}/attributes answers 204 and the attribute appears in the context', req('SC-MGMT-ATTR-01', 'SC-ATTR-08'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const service = await flows.serviceToken();
    const res = await api.addAttribute(service, session.sessionId, { key: 'conformanceManaged', value: { source: 'service' } });
    expect(res).toHaveStatus(204);
    expect((await flows.managedContext(session.sessionId)).context?.conformanceManaged, 'management view').toEqual({ source: 'service' });
    expect((await flows.context(session.token)).context?.conformanceManaged, 'own view').toEqual({ source: 'service' });
  });

  test('DELETE /context/{sessionId}/attributes/{name} answers 204 and the attribute is gone', req('SC-MGMT-ATTR-02', 'SC-ATTR-08'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const service = await flows.serviceToken();
    expect(await api.addAttribute(service, session.sessionId, { key: 'conformanceDoomed', value: 'bye' })).toHaveStatus(204);
    expect(await api.addAttribute(service, session.sessionId, { key: 'conformanceKept', value: 'stay' })).toHaveStatus(204);
    const res = await api.deleteAttribute(service, session.sessionId, 'conformanceDoomed');
    expect(res).toHaveStatus(204);
    const after = await flows.managedContext(session.sessionId);
    expect(Object.keys(after.context ?? {}), 'the deleted attribute is gone').not.toContain('conformanceDoomed');
    expect(after.context?.conformanceKept, 'the other attribute stays').toBe('stay');
  });

  test('POST /context/{sessionId}/attributes for an unknown session id answers 404 and creates nothing', req('SC-MGMT-ATTR-03'), async ({ flows, api }) => {
    const service = await flows.serviceToken();
    const sessionId = crypto.randomUUID();
    const res = await api.addAttribute(service, sessionId, { key: 'conformanceOrphan', value: 'x' });
    expect(res).toHaveStatus(404);
    expect(await api.getContext(service, sessionId), 'an attribute POST does not create a context').toHaveStatus(404);
  });

  test('DELETE /context/{sessionId}/attributes/{name} for an unknown session id answers 404', req('SC-MGMT-ATTR-04'), async ({ flows, api }) => {
    const service = await flows.serviceToken();
    const sessionId = crypto.randomUUID();
    const res = await api.deleteAttribute(service, sessionId, 'conformanceOrphan');
    expect(res).toHaveStatus(404);
    expect(await api.getContext(service, sessionId), 'an attribute DELETE does not create a context').toHaveStatus(404);
  });
});
