/**
 * The mock's own guarantees, through Fastify's inject (no port): bad input gets a 4xx with a JSON body, never a
 * 500 or a crash; settings and seeds with bad values give a clear error.
 */
import { test, expect } from '@playwright/test';
import { createApp } from '../../mock/app.js';
import { loadSeed, settingsFrom, SettingsError } from '../../mock/settings.js';
import { defaultSettings } from '../../mock/domain/types.js';
import { readFileSync } from 'node:fs';
import { DEVIATIONS } from '../../mock/domain/deviations.js';

const seed = loadSeed();

async function anonymous(app: ReturnType<typeof createApp>['app']) {
  const res = await app.inject({ method: 'GET', url: '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront' });
  return res.json().access_token as string;
}

test.describe('mock input handling', () => {
  const cases: { title: string; method: 'PATCH' | 'POST' | 'GET' | 'PUT'; url: string; body?: string; type?: string; status: number }[] = [
    { title: 'a body that is not JSON', method: 'PATCH', url: '/session-context/conformance/me/context', body: '{nope', status: 400 },
    { title: 'an empty JSON body', method: 'PATCH', url: '/session-context/conformance/me/context', body: '', status: 400 },
    { title: 'a JSON array body', method: 'PATCH', url: '/session-context/conformance/me/context', body: '[]', status: 400 },
    { title: 'a body with __proto__', method: 'PATCH', url: '/session-context/conformance/me/context', body: '{"__proto__": {"x": 1}, "metadata": {"version": 1}}', status: 400 },
    { title: 'an unsupported content type', method: 'PATCH', url: '/session-context/conformance/me/context', body: 'x', type: 'text/csv', status: 415 },
    { title: 'a body over the size limit', method: 'POST', url: '/session-context/conformance/me/context/attributes', body: JSON.stringify({ key: 'k', value: 'x'.repeat(defaultSettings.bodyLimit) }), status: 413 },
    { title: 'an unknown route', method: 'GET', url: '/session-context/conformance/nowhere', status: 404 },
    { title: 'an attribute without a key', method: 'POST', url: '/session-context/conformance/me/context/attributes', body: '{"value": "v"}', status: 400 },
    { title: 'an attribute with a numeric value', method: 'POST', url: '/session-context/conformance/me/context/attributes', body: '{"key": "k", "value": 5}', status: 400 },
    { title: 'a service token request with a wrong grant type', method: 'POST', url: '/oauth/token', body: 'grant_type=password', type: 'application/x-www-form-urlencoded', status: 400 },
    { title: 'an attribute value nested 5000 levels deep', method: 'POST', url: '/session-context/conformance/me/context/attributes', body: `{"key":"deep","value":${'{"level":'.repeat(5000)}"x"${'}'.repeat(5000)}}`, status: 400 },
    { title: 'a body of arrays nested 20000 levels deep', method: 'PATCH', url: '/session-context/conformance/me/context', body: `${'['.repeat(20000)}${']'.repeat(20000)}`, status: 400 },
    { title: 'a repeated query parameter on /me', method: 'GET', url: '/customer/conformance/me?expand=addresses&expand=x', status: 400 },
    { title: 'repeated anonymous-login parameters', method: 'GET', url: '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront&siteCode=a&siteCode=b', status: 400 },
    { title: 'a known path with a method it does not have', method: 'POST', url: '/session-context/conformance/me/context', body: '{}', status: 405 },
  ];
  for (const c of cases) {
    test(`${c.title} gets ${c.status} with a JSON body`, async () => {
      const { app } = createApp(seed, defaultSettings);
      const token = await anonymous(app);
      const res = await app.inject({
        method: c.method,
        url: c.url,
        headers: { authorization: `Bearer ${token}`, 'content-type': c.type ?? 'application/json' },
        payload: c.body,
      });
      expect(res.statusCode, res.body).toBe(c.status);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(typeof res.json().message).toBe('string');
      await app.close();
    });
  }

  test('a bad setting is a clear error naming the setting', () => {
    expect(() => settingsFrom({ 'stale-version-status': '418' }, {})).toThrow(SettingsError);
    expect(() => settingsFrom({}, { MOCK_CONTEXT_CREATION: 'sometimes' })).toThrow(/--context-creation \(MOCK_CONTEXT_CREATION\) must be one of cart, login/);
    expect(() => settingsFrom({ deviation: 'no-such-deviation' }, {})).toThrow(/unknown deviation/);
    expect(() => settingsFrom({ 'rate-limit': '3' }, {})).toThrow(/--rate-limit \(MOCK_RATE_LIMIT\) must be a share between 0 and 1/);
    expect(() => settingsFrom({}, { MOCK_GATEWAY_ERRORS: 'lots' })).toThrow(/--gateway-errors \(MOCK_GATEWAY_ERRORS\)/);
    expect(() => settingsFrom({}, { MOCK_NETWORK_RESETS: '-0.1' })).toThrow(/--network-resets/);
    expect(() => settingsFrom({ latency: '1.5' }, {})).toThrow(/--latency \(MOCK_LATENCY\) must be milliseconds/);
    expect(() => settingsFrom({}, { MOCK_CONTEXT_LAG: 'soon' })).toThrow(/--context-lag/);
    expect(() => settingsFrom({ 'random-seed': 'x' }, {})).toThrow(/--random-seed/);
    expect(() => settingsFrom({}, { MOCK_RESIDUE: 'yes' })).toThrow(/--residue \(MOCK_RESIDUE\)/);
    expect(settingsFrom({}, { MOCK_RATE_LIMIT: '0.03', MOCK_LATENCY: '40', MOCK_CONTEXT_LAG: '300', MOCK_RESIDUE: '1' })).toMatchObject({ rateLimit: 0.03, latencyMs: 40, contextLagMs: 300, residue: true });
  });

  test('a missing seed file is a clear error naming the file', () => {
    expect(() => loadSeed('/nonexistent/seed.json')).toThrow(/cannot read seed file \/nonexistent\/seed.json/);
  });

  test('the deviation catalogue has unique names and lists requirement IDs', () => {
    const names = DEVIATIONS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of DEVIATIONS) expect(d.violates.length, d.name).toBeGreaterThan(0);
  });

  test('every requirement ID a deviation violates is in the catalogue', () => {
    const known = new Set((JSON.parse(readFileSync('fixtures/requirements.json', 'utf8')) as { requirements: { id: string }[] }).requirements.map((r) => r.id));
    for (const d of DEVIATIONS) expect(d.violates.filter((id) => !known.has(id)), d.name).toEqual([]);
  });
});

test.describe('mock: the same checks on every way in', () => {
  async function setup() {
    const { app, service } = createApp(seed, defaultSettings);
    const token = await anonymous(app);
    await app.inject({ method: 'POST', url: '/cart/conformance/carts', headers: { authorization: `Bearer ${token}` }, payload: { currency: 'EUR' } });
    const form = 'grant_type=client_credentials&client_id=conformance-service&client_secret=conformance-service-secret';
    const manage = (await app.inject({ method: 'POST', url: '/oauth/token', payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json().access_token as string;
    const sessionId = [...service.store.contexts.values()][0].sessionId;
    return { app, token, manage, sessionId };
  }

  test('PUT rejects a wrongly typed whitelisted field with 400, as PATCH does, and changes nothing', async () => {
    const { app, token, manage, sessionId } = await setup();
    for (const body of [{ metadata: { version: 1 }, currency: 5 }, { metadata: { version: 1 }, context: { a: 1 } }, { metadata: { version: 1 }, siteCode: null }]) {
      const put = await app.inject({ method: 'PUT', url: `/session-context/conformance/context/${sessionId}`, headers: { authorization: `Bearer ${manage}` }, payload: body });
      const patch = await app.inject({ method: 'PATCH', url: '/session-context/conformance/me/context', headers: { authorization: `Bearer ${token}` }, payload: body });
      expect([put.statusCode, patch.statusCode], JSON.stringify(body)).toEqual([400, 400]);
    }
    const after = (await app.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: { authorization: `Bearer ${token}` } })).json();
    expect(after.currency).toBe('EUR');
    expect(after.metadata.version).toBe(1);
    await app.close();
  });

  test('a context stays readable after a deep value was refused', async () => {
    const { app, token } = await setup();
    const deep = `{"key":"deep","value":${'{"level":'.repeat(5000)}"x"${'}'.repeat(5000)}}`;
    const post = await app.inject({ method: 'POST', url: '/session-context/conformance/me/context/attributes', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: deep });
    expect(post.statusCode).toBe(400);
    const get = await app.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: { authorization: `Bearer ${token}` } });
    expect(get.statusCode).toBe(200);
    await app.close();
  });

  test('a known path with another method gets 405 with Allow; HEAD on a GET route answers like GET without a body', async () => {
    const { app, token } = await setup();
    const wrong = await app.inject({ method: 'DELETE', url: '/session-context/conformance/me/context', headers: { authorization: `Bearer ${token}` } });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, PATCH');
    expect(wrong.json()).toMatchObject({ code: 405 });
    const head = await app.inject({ method: 'HEAD', url: '/session-context/conformance/me/context', headers: { authorization: `Bearer ${token}` } });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const headOnPost = await app.inject({ method: 'HEAD', url: '/oauth/token' });
    expect([headOnPost.statusCode, headOnPost.headers.allow]).toEqual([405, 'POST']);
    await app.close();
  });

  test('reads change nothing, and a 201 attribute name goes out as a JSON string', async () => {
    const { app, token, manage, sessionId } = await setup();
    const own = { authorization: `Bearer ${token}` };
    const first = (await app.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: own })).json();
    await app.inject({ method: 'GET', url: `/session-context/conformance/context/${sessionId}`, headers: { authorization: `Bearer ${manage}` } });
    expect((await app.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: own })).json()).toEqual(first);
    const post = await app.inject({ method: 'POST', url: '/session-context/conformance/me/context/attributes', headers: own, payload: { key: 'Promo', value: 'x' } });
    expect([post.statusCode, post.headers['content-type'], post.body]).toEqual([201, 'application/json; charset=utf-8', '"Promo"']);
    await app.close();
  });

  test('every catalogued deviation acts through at least one hook', async () => {
    const { DEVIATION_HOOKS } = await import('../../mock/domain/deviation-hooks.js');
    for (const d of DEVIATIONS) expect(Object.keys(DEVIATION_HOOKS[d.name]).length, d.name).toBeGreaterThan(0);
  });
});
