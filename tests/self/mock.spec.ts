/**
 * The mock's own guarantees, through Fastify's inject (no port): bad input gets a 4xx with a JSON body, never a
 * 500 or a crash; settings and seeds with bad values give a clear error.
 */
import { test, expect } from '@playwright/test';
import { createApp } from '../../mock/app.js';
import { loadSeed, settingsFrom, SettingsError } from '../../mock/settings.js';
import { defaultSettings } from '../../mock/domain/types.js';
import { DEVIATIONS } from '../../mock/domain/deviations.js';

const seed = loadSeed();

async function anonymous(app: ReturnType<typeof createApp>['app']) {
  const res = await app.inject({ method: 'GET', url: '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront' });
  return res.json().access_token as string;
}

test.describe('mock input handling', () => {
  const cases: { title: string; method: 'PATCH' | 'POST' | 'GET'; url: string; body?: string; type?: string; status: number }[] = [
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
    expect(() => settingsFrom({}, { MOCK_CONTEXT_CREATION: 'sometimes' })).toThrow(/context creation must be one of cart, login/);
    expect(() => settingsFrom({ deviation: 'no-such-deviation' }, {})).toThrow(/unknown deviation/);
  });

  test('a missing seed file is a clear error naming the file', () => {
    expect(() => loadSeed('/nonexistent/seed.json')).toThrow(/cannot read seed file \/nonexistent\/seed.json/);
  });

  test('the deviation catalogue has unique names and lists requirement IDs', () => {
    const names = DEVIATIONS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of DEVIATIONS) expect(d.violates.length, d.name).toBeGreaterThan(0);
  });
});
