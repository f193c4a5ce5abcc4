/**
 * The mock's real-world conditions (issue 7): seeded shares of 429, 503/504 and connection resets before any
 * processing, latency, context lag; the residue report; and the standalone mock's process hygiene.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { createApp, startMock } from '../../mock/app.js';
import { loadSeed } from '../../mock/settings.js';
import { defaultSettings, type MockSettings } from '../../mock/domain/types.js';

const seed = loadSeed();
const LOGIN = '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront';
const FORM = 'grant_type=client_credentials&client_id=conformance-service&client_secret=conformance-service-secret';
const root = fileURLToPath(new URL('../../', import.meta.url));

const app = (settings: Partial<MockSettings>) => createApp(seed, { ...defaultSettings, ...settings });

test.describe('mock conditions', () => {
  test('--rate-limit 0.03: about 3 % of 1000 requests get 429 with Retry-After and a JSON body, before anything is applied', async () => {
    const { app: a, service } = app({ rateLimit: 0.03, randomSeed: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const res = await a.inject({ method: 'GET', url: LOGIN });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.headers['retry-after']).toBe('1');
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.json().fault.detail.errorcode).toBeTruthy();
      }
    }
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThan(15);
    expect(limited).toBeLessThan(50);
    // A refused login created no session: only the answered ones exist.
    expect(service.residue().anonymousSessions).toBe(1000 - limited);
    // Seeded: the same seed picks the same requests.
    const again = app({ rateLimit: 0.03, randomSeed: 5 }).app;
    const replay: number[] = [];
    for (let i = 0; i < 1000; i++) replay.push((await again.inject({ method: 'GET', url: LOGIN })).statusCode);
    expect(replay).toEqual(statuses);
  });

  test('--gateway-errors: 503 with Retry-After on any method, 504 only on GET, gateway fault bodies', async () => {
    const { app: a } = app({ gatewayErrors: 0.2 });
    const gets = new Map<number, number>();
    const posts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const get = await a.inject({ method: 'GET', url: LOGIN });
      gets.set(get.statusCode, (gets.get(get.statusCode) ?? 0) + 1);
      if (get.statusCode === 503) expect(get.headers['retry-after']).toBe('1');
      if (get.statusCode >= 503) expect(typeof get.json().fault.faultstring).toBe('string');
      const post = await a.inject({ method: 'POST', url: '/oauth/token', payload: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      posts.set(post.statusCode, (posts.get(post.statusCode) ?? 0) + 1);
    }
    expect(gets.get(503)).toBeGreaterThan(10);
    expect(gets.get(504)).toBeGreaterThan(10);
    expect(posts.get(503)).toBeGreaterThan(40);
    expect(posts.has(504)).toBe(false);
  });

  test('--network-resets: that share of requests fails at the network level; --latency delays every answer', async () => {
    const mock = await startMock(seed, { ...defaultSettings, networkResets: 0.2, latencyMs: 30 });
    let resets = 0;
    const started = Date.now();
    for (let i = 0; i < 100; i++) {
      try {
        await (await fetch(`${mock.url}${LOGIN}`)).text();
      } catch {
        resets += 1;
      }
    }
    expect((Date.now() - started) / 100).toBeGreaterThanOrEqual(30);
    expect(resets).toBeGreaterThan(8);
    expect(resets).toBeLessThan(35);
    await mock.close();
  });

  test('--context-lag: a new context answers 404 to reads for that long, while writes already apply', async () => {
    const { app: a } = app({ contextLagMs: 300 });
    const token = (await a.inject({ method: 'GET', url: LOGIN })).json().access_token as string;
    const auth = { authorization: `Bearer ${token}` };
    await a.inject({ method: 'POST', url: '/cart/conformance/carts', headers: auth, payload: { currency: 'EUR' } });
    const early = await a.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: auth });
    expect(early.statusCode).toBe(404);
    expect(early.json()).toMatchObject({ code: 404, sessionId: expect.any(String) });
    const manage = (await a.inject({ method: 'POST', url: '/oauth/token', payload: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json().access_token;
    expect((await a.inject({ method: 'GET', url: `/session-context/conformance/context/${early.json().sessionId}`, headers: { authorization: `Bearer ${manage}` } })).statusCode).toBe(404);
    const write = await a.inject({ method: 'PATCH', url: '/session-context/conformance/me/context', headers: auth, payload: { metadata: { version: 1 }, currency: 'USD' } });
    expect(write.statusCode).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 320));
    const late = await a.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: auth });
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ currency: 'USD', metadata: { version: 2 } });
  });

  test('the residue report is off by default and, when on, lists what clients left behind', async () => {
    expect((await app({}).app.inject({ method: 'GET', url: '/__mock/residue' })).statusCode).toBe(404);
    // Conditions never hit the residue report.
    const { app: a } = app({ residue: true, rateLimit: 1 });
    expect((await a.inject({ method: 'GET', url: '/__mock/residue' })).statusCode).toBe(200);
    const { app: b } = app({ residue: true });
    const residue = async () => (await b.inject({ method: 'GET', url: '/__mock/residue' })).json();
    expect(await residue()).toEqual({ anonymousSessions: 0, contexts: 0, attributes: [], contextsWithoutSession: [], carts: [], customerTokens: 0 });
    const anon = (await b.inject({ method: 'GET', url: LOGIN })).json();
    const auth = { authorization: `Bearer ${anon.access_token}` };
    const cart = (await b.inject({ method: 'POST', url: '/cart/conformance/carts', headers: auth, payload: { currency: 'EUR' } })).json().cartId;
    await b.inject({ method: 'POST', url: '/session-context/conformance/me/context/attributes', headers: auth, payload: { key: 'left', value: 'x' } });
    const login = (await b.inject({ method: 'POST', url: '/customer/conformance/login', headers: auth, payload: { email: 'test.customer@conformance.test', password: 'Passw0rd!test' } })).json();
    const manage = (await b.inject({ method: 'POST', url: '/oauth/token', payload: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json().access_token;
    await b.inject({ method: 'PUT', url: '/session-context/conformance/context/made-up-session?upsert=true', headers: { authorization: `Bearer ${manage}` }, payload: { metadata: { version: 1 } } });
    expect(await residue()).toEqual({
      anonymousSessions: 1,
      contexts: 2,
      attributes: [{ sessionId: anon.sessionId, names: ['left'] }],
      contextsWithoutSession: ['made-up-session'],
      carts: [cart],
      customerTokens: 1,
    });
    await b.inject({ method: 'GET', url: `/customer/conformance/logout?accessToken=${login.access_token}`, headers: { authorization: `Bearer ${login.access_token}` } });
    await b.inject({ method: 'DELETE', url: `/cart/conformance/carts/${cart}`, headers: auth });
    await b.inject({ method: 'DELETE', url: '/session-context/conformance/me/context/attributes/left', headers: auth });
    expect(await residue()).toMatchObject({ attributes: [], carts: [], customerTokens: 0 });
  });
});

test.describe('the standalone mock process', () => {
  function start(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', '--port', '0', '--json', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    const ready = new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line).url);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, ready, exited };
  }

  test('exits with 0 on SIGTERM, and with --exit-with-parent when its stdin closes', async () => {
    test.setTimeout(30_000);
    const a = start([]);
    await a.ready;
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const b = start(['--exit-with-parent']);
    const url = await b.ready;
    expect((await fetch(`${url}${LOGIN}`)).status).toBe(200);
    b.child.stdin!.end();
    expect(await b.exited).toBe(0);
  });
});
