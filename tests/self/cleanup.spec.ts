/**
 * The fixture's cleanup against a real mock: what a test stopped halfway leaves in flight must not outlive it
 * (docs/staging.md, "Nothing left behind"). Seen in a staging run under network resets: a concurrency pair sends a
 * management PUT ?upsert=true carrying the map it read beside an attribute POST; the POST's reset stops the test while
 * the PUT is still being retried; cleanup read the session, deleted its attributes, and then the PUT landed and put the
 * map back.
 */
import { test, expect } from '@playwright/test';
import { Api } from '../support/api.js';
import { Flows } from '../support/flows.js';
import { mockTarget } from '../support/target.js';
import { startMock } from '../../mock/app.js';
import { loadSeed, settingsFrom } from '../../mock/settings.js';

type Fetch = typeof fetch;

/** A faithful mock, a client and flows against it; `fetch` is put back and the mock closed whatever the body does. */
async function withFlows(body: (w: { api: Api; flows: Flows; target: ReturnType<typeof mockTarget>; realFetch: Fetch }) => Promise<void>): Promise<void> {
  const seed = loadSeed();
  const settings = settingsFrom({}, {});
  const mock = await startMock(seed, settings);
  const realFetch = globalThis.fetch;
  try {
    const target = mockTarget(mock.url, seed, settings, {});
    const api = new Api({ baseURL: target.baseURL, tenant: target.tenant, specVersion: '2026-04', retries: 0, timeoutMs: 5000, retryCapMs: 0 });
    await body({ api, flows: new Flows(api, target), target, realFetch });
  } finally {
    globalThis.fetch = realFetch;
    await mock.close();
  }
}

test('cleanup waits for a write still in flight when the test stopped, so the write cannot put back what cleanup removed', () =>
  withFlows(async ({ api, flows, realFetch }) => {
    const service = await flows.serviceToken();
    const session = await flows.withContext();
    expect((await api.addOwnAttribute(session.token, { key: 'keep', value: 'kept' })).status).toBe(201);
    const before = await flows.context(session.token);
    // The PUT reaches the target only after a while, as a retry after a reset and its backoff would.
    globalThis.fetch = (async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
      if (init?.method === 'PUT') await new Promise((r) => setTimeout(r, 400));
      return realFetch(input, init);
    }) as Fetch;
    const put = api.putContext(service, session.sessionId, { context: { ...before.context, late: 'landed' }, metadata: { version: before.metadata.version } }, { upsert: true });
    const left = await flows.cleanup();
    expect((await put).status, 'the PUT was accepted (it carried the current version)').toBe(204);
    globalThis.fetch = realFetch;
    const after = await api.getContext(service, session.sessionId);
    expect(after.status).toBe(200);
    expect((after.json as { context?: Record<string, unknown> }).context ?? {}, 'attributes left on the session after cleanup').toEqual({});
    expect(left, 'cleanup reports nothing left').toEqual([]);
  }));

test('cleanup covers a session a management write named although the test never tracked it', () =>
  withFlows(async ({ api, flows, target }) => {
    const service = await flows.serviceToken();
    // Logged in past the flows, as a test that only needs an id would: nothing tracks this session.
    const login = await api.anonymousLogin(target.storefrontClientId);
    const sessionId = (login.json as { sessionId: string }).sessionId;
    const put = await api.putContext(service, sessionId, { context: { upserted: 'x' }, metadata: { version: 1 } }, { upsert: true });
    expect(put.status).toBe(204);
    expect(await flows.cleanup(), 'cleanup reports nothing left').toEqual([]);
    const after = await api.getContext(service, sessionId);
    expect(after.status).toBe(200);
    expect((after.json as { context?: Record<string, unknown> }).context ?? {}, 'attributes left on the session after cleanup').toEqual({});
  }));

test('cleanup that cannot read a session says so instead of counting it clean', () =>
  withFlows(async ({ api, flows, realFetch }) => {
    await flows.serviceToken();
    const session = await flows.withContext();
    expect((await api.addOwnAttribute(session.token, { key: 'keep', value: 'kept' })).status).toBe(201);
    // Every read answers 503 through all of cleanup's retries: whether the attribute is gone is unknown.
    globalThis.fetch = (async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
      if (init?.method === 'GET') return new Response('{"message":"unavailable"}', { status: 503, headers: { 'content-type': 'application/json' } });
      return realFetch(input, init);
    }) as Fetch;
    const left = await flows.cleanup();
    expect(left.join('; ')).toContain(`session ${session.sessionId} keeps attribute(s) (could not be read: 503)`);
  }));
