/**
 * The client's own parts: the retry policy, the checks run on every exchange, redaction, and the reproducer,
 * which must replay a failure against a real mock with nothing but the .env variables.
 */
import { test, expect } from '@playwright/test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, type Exchange } from '../support/api.js';
import { mayRetry, retryDelay } from '../support/transport.js';
import { checkExchange } from '../support/universal.js';
import { redactText, redactUrl, registerSecret } from '../support/redact.js';
import { reproducer } from '../support/reproducer.js';
import { mockTarget } from '../support/target.js';
import { startMock } from '../../mock/app.js';
import { loadSeed, settingsFrom } from '../../mock/settings.js';

const raw = (status: number, headers: Record<string, string> = {}) => ({ status, headers, text: '' });

test.describe('retry policy', () => {
  test('429 and 503 with Retry-After are sent again on any method; 502, 504 and network failures only on idempotent ones', () => {
    expect(mayRetry('POST', raw(429))).toBe(true);
    expect(mayRetry('PATCH', raw(503, { 'retry-after': '1' }))).toBe(true);
    expect(mayRetry('PATCH', raw(503))).toBe(false);
    expect(mayRetry('PATCH', raw(504))).toBe(false);
    expect(mayRetry('GET', raw(504))).toBe(true);
    expect(mayRetry('POST', { network: 'reset' })).toBe(false);
    expect(mayRetry('DELETE', { network: 'reset' })).toBe(true);
    expect(mayRetry('GET', raw(500))).toBe(false);
    expect(mayRetry('GET', raw(404))).toBe(false);
  });

  test('Retry-After is honoured in seconds and as a date, and capped', () => {
    expect(retryDelay(raw(429, { 'retry-after': '2' }), 1, 5000)).toBe(2000);
    expect(retryDelay(raw(429, { 'retry-after': '120' }), 1, 5000)).toBe(5000);
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(retryDelay(raw(503, { 'retry-after': 'Thu, 26 Nov 2026 10:00:03 GMT' }), 1, 5000, now)).toBe(3000);
    expect(retryDelay({ network: 'reset' }, 3, 5000)).toBeGreaterThanOrEqual(800);
  });
});

function exchange(x: Partial<Exchange>): Exchange {
  return { method: 'GET', url: 'http://t/session-context/acme/me/context', requestHeaders: {}, status: 200, responseHeaders: { 'content-type': 'application/json' }, text: '', json: undefined, ...x };
}

test.describe('checks on every exchange', () => {
  const ok = { sessionId: 's', metadata: { version: 1 } };
  const cases: { title: string; x: Partial<Exchange>; want: string[] }[] = [
    { title: 'a valid SessionContext passes', x: { text: JSON.stringify(ok), json: ok }, want: [] },
    { title: 'a 500 breaks SC-HTTP-01', x: { status: 500, text: '{"message":"boom"}', json: { message: 'boom' } }, want: ['SC-HTTP-01'] },
    { title: 'a 503 is left to the client (inconclusive)', x: { status: 503, text: '' }, want: [] },
    { title: 'JSON sent as text/plain breaks SC-HTTP-02', x: { responseHeaders: { 'content-type': 'text/plain' }, text: JSON.stringify(ok), json: ok }, want: ['SC-HTTP-02'] },
    { title: 'HTML where a SessionContext belongs breaks SC-HTTP-02', x: { responseHeaders: { 'content-type': 'text/html' }, text: '<html></html>' }, want: ['SC-HTTP-02'] },
    { title: 'a string version breaks SC-HTTP-03', x: { text: '{}', json: { sessionId: 's', metadata: { version: '1' } } }, want: ['SC-HTTP-03'] },
    { title: 'a 404 body without message breaks SC-HTTP-04', x: { status: 404, text: '{"error":"x"}', json: { error: 'x' } }, want: ['SC-HTTP-04'] },
    { title: 'an undocumented 400 body is not judged', x: { method: 'PATCH', status: 400, text: '{"error":"x"}', json: { error: 'x' } }, want: [] },
    { title: 'a gateway fault on 401 passes', x: { status: 401, text: '{}', json: { fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } } } }, want: [] },
    { title: 'a 204 with a body breaks SC-HTTP-05', x: { method: 'PATCH', status: 204, text: '{"a":1}' }, want: ['SC-HTTP-05'] },
    { title: 'a neighbour service is not judged', x: { url: 'http://t/cart/acme/carts', status: 500, text: 'x' }, want: [] },
  ];
  for (const c of cases) {
    test(c.title, () => {
      expect(checkExchange(exchange(c.x), '2026-04').map((v) => v.requirement)).toEqual(c.want);
    });
  }
});

test.describe('redaction', () => {
  test('a registered secret is masked raw, percent-encoded and JSON-escaped, and token parameters by name', () => {
    registerSecret('se/cr+et"value');
    expect(redactText('a se/cr+et"value b se%2Fcr%2Bet%22value c se\\/cr+et\\"value'.replace('\\/', '/'))).not.toMatch(/se.?cr/);
    expect(redactUrl('http://h/logout?accessToken=abcdefgh&x=1')).toBe('http://h/logout?accessToken=***&x=1');
  });
});

test.describe('reproducer', () => {
  test('replays a failing exchange against the same mock with only the .env variables, and holds no secret', async () => {
    const seed = loadSeed();
    const settings = { ...settingsFrom({}, {}), deviation: 'whitelisted-field-dropped' as never };
    const mock = await startMock(seed, settings);
    const dir = mkdtempSync(join(tmpdir(), 'repro-'));
    try {
      const target = mockTarget(mock.url, seed, settings, {});
      const api = new Api({ baseURL: target.baseURL, tenant: target.tenant, specVersion: '2026-04', retries: 0, timeoutMs: 5000, retryCapMs: 0 });
      const login = await api.anonymousLogin(target.storefrontClientId);
      const token = (login.json as { access_token: string }).access_token;
      expect(await api.createCart(token, { siteCode: 'main', currency: 'EUR', type: 'shopping' })).toMatchObject({ status: 201 });
      const before = (await api.getOwnContext(token)).json as { metadata: { version: number } };
      await api.patchOwnContext(token, { currency: 'USD', metadata: { version: before.metadata.version } });
      const failing = await api.getOwnContext(token);
      failing.failed = true;
      const script = reproducer('PATCH updates currency', api.exchanges, target);
      expect(script.includes(token), 'no token in the script').toBe(false);
      writeFileSync(join(dir, 'r.sh'), script);
      const tenant = seed.tenants[0];
      // Asynchronously: the mock answers from this very process.
      const out = await promisify(execFile)('bash', [join(dir, 'r.sh')], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, EMPORIX_API_URL: target.baseURL.replace(/\/$/, ''), EMPORIX_TENANT: tenant.name, EMPORIX_STOREFRONT_CLIENT_ID: tenant.storefrontClientIds[0] },
      });
      // The replay shows the same deviation: the PATCH is accepted, and the last GET still shows the old currency.
      const lastBody = out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!;
      expect(JSON.parse(lastBody).currency).toBe((failing.json as { currency: string }).currency);
      expect(out.stdout).toMatch(/HTTP\/1\.1 204/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await mock.close();
    }
  });
});
