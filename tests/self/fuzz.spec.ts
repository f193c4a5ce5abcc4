/**
 * The mock survives any input (issue 8): seeded, bounded fuzzing of every route through Fastify's inject (no
 * port). Malformed paths, methods, query strings (repeated parameters), headers, content types and bodies (not
 * JSON, wrong types, thousands of levels deep, oversized), with valid tokens mixed in so that requests reach
 * the rules and the store. Every answer must be below 500, JSON with a JSON content type where it has a body,
 * and a final sweep reads every context back: a stored value must not break a later read.
 */
import { parsesAsJson } from '../support/universal.js';
import { test, expect } from '@playwright/test';
import { createApp } from '../../mock/app.js';
import { seededRandom } from '../../mock/conditions.js';
import { loadSeed } from '../../mock/settings.js';
import { defaultSettings, type MockSettings } from '../../mock/domain/types.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 12_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

function generator(seed: number) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const one = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => random() < p;
  /** Deep values are written as text: the generator must not overflow its own JSON.stringify. */
  const nested = (depth: number, array: boolean) => `@@DEEP:${depth}:${array ? 'a' : 'o'}@@`;
  const expand = (json: string) =>
    json.replace(/"@@DEEP:(\d+):([ao])@@"/g, (_m, d: string, kind: string) =>
      kind === 'a' ? `${'['.repeat(Number(d))}"bottom"${']'.repeat(Number(d))}` : `${'{"level":'.repeat(Number(d))}"bottom"${'}'.repeat(Number(d))}`,
    );
  const scalar = (): unknown =>
    one([null, true, false, 0, -1, 1.5, 2 ** 53, 1e308, '', 'x', 'EUR', 'ü🙂', '__proto__', 'a'.repeat(int(3000)), '1', '{"a":1}']);
  const value = (depth = 0): unknown => {
    if (depth > 3 || chance(0.4)) return scalar();
    if (chance(0.15)) return nested(one([10, 63, 64, 200, 1000, 6000]), chance(0.3));
    if (chance(0.3)) return Array.from({ length: int(4) }, () => value(depth + 1));
    const keys = ['key', 'value', 'metadata', 'version', 'siteCode', 'currency', 'targetLocation', 'language', 'context', 'cartId', 'sessionId', 'customerId', 'email', 'password', 'type', '__proto__', 'constructor', 'x'];
    return Object.fromEntries(Array.from({ length: int(6) }, () => [one(keys), value(depth + 1)]));
  };
  /** Bodies shaped like the real ones, with one part broken, and plain garbage. */
  const body = (hint: string): { payload?: string; type?: string } => {
    const meta = () => one([{ version: 1 }, { version: 2 }, { version: '1' }, { version: 1.5 }, {}, null, 'x', { version: null }]);
    const attribute = () => ({ key: one(['k', 'k2', 'deep', '__proto__', 'a.b', 'ü']), value: chance(0.5) ? value(3) : { v: value() } });
    const write = () => ({ metadata: { version: 1 + int(3) }, [one(['siteCode', 'currency', 'targetLocation', 'language', 'context', 'cartId'])]: chance(0.5) ? 'EUR' : value(), context: { a: value(3) } });
    const shaped = hint === 'attribute' && chance(0.7) ? attribute() : hint === 'write' && chance(0.7) ? write() : one<() => unknown>([
      () => ({ key: one(['k', '', '__proto__', 'a.b', 'ü', 'x'.repeat(500), 5, null]), value: value() }),
      () => ({ metadata: meta(), [one(['siteCode', 'currency', 'targetLocation', 'language', 'context', 'cartId'])]: value() }),
      () => ({ metadata: meta(), context: value() }),
      () => ({ email: one(['test.customer@conformance.test', 5, '']), password: value() }),
      () => ({ currency: one(['EUR', 'eur', 5, null]), siteCode: value(), type: value() }),
      () => value(),
    ])();
    const type = one(['application/json', 'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', undefined, 'application/json; charset=latin1', '*/*']);
    if (chance(0.06)) return { payload: one(['{nope', '', '[', '{"a":', 'null', '"str"', '1e999', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']), type };
    if (chance(0.02)) return { payload: JSON.stringify({ key: 'big', value: 'x'.repeat(70_000) }), type: 'application/json' };
    if (chance(0.03)) return { payload: '['.repeat(20_000) + ']'.repeat(20_000), type: 'application/json' };
    if (type === 'application/x-www-form-urlencoded') return { payload: one(['grant_type=client_credentials&client_id=conformance-service&client_secret=conformance-service-secret&scope=5', 'a=1&a=2', '%%%', 'grant_type=client_credentials&client_id=conformance-service&client_secret=conformance-service-secret']), type };
    return { payload: expand(JSON.stringify(shaped)), type };
  };
  return { random, int, one, chance, body, value };
}

async function fuzz(settings: MockSettings, seed: number, requests: number) {
  const { app, service } = createApp(loadSeed(), settings);
  const g = generator(seed);
  const bearer = (t: string) => `Bearer ${t}`;
  const anonymous = async () => (await app.inject({ method: 'GET', url: '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront' })).json() as { access_token: string; refresh_token: string; sessionId: string };
  const service_ = async (id: string, secret: string) =>
    (await app.inject({ method: 'POST', url: '/oauth/token', payload: `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json().access_token as string;
  const sessions = await Promise.all(Array.from({ length: 6 }, anonymous));
  for (const s of sessions.slice(0, 4)) await app.inject({ method: 'POST', url: '/cart/conformance/carts', headers: { authorization: bearer(s.access_token) }, payload: { currency: 'EUR' } });
  const login = (await app.inject({ method: 'POST', url: '/customer/conformance/login', headers: { authorization: bearer(sessions[0].access_token) }, payload: { email: 'test.customer@conformance.test', password: 'Passw0rd!test' } })).json();
  const tokens = [
    ...sessions.map((s) => s.access_token),
    login.access_token as string,
    await service_('conformance-service', 'conformance-service-secret'),
    await service_('conformance-noscope', 'conformance-noscope-secret'),
  ];
  const sessionIds = [...sessions.map((s) => s.sessionId), 'nope', '', '%2F', '..', 'a'.repeat(3000), '__proto__', encodeURIComponent('ü🙂'), '%E0%A4%A'];
  const tenants = ['conformance', 'conformance', 'conformance', 'Conformance', 'other', 'ab', 'a'.repeat(40), '%00', '__proto__', '..', encodeURIComponent('ü')];
  const names = ['k', '__proto__', 'constructor', 'a.b', '%2F', '%E0%A4%A', 'x'.repeat(2100), encodeURIComponent('ü🙂'), ''];
  const routes: [Method, (t: string, s: string, n: string) => string][] = [
    ['GET', () => '/customerlogin/auth/anonymous/login'],
    ['GET', () => '/customerlogin/auth/anonymous/refresh'],
    ['POST', (t) => `/customer/${t}/login`],
    ['GET', (t) => `/customer/${t}/logout`],
    ['GET', (t) => `/customer/${t}/me`],
    ['POST', () => '/oauth/token'],
    ['GET', (t) => `/site/${t}/sites`],
    ['GET', (t, _s, n) => `/site/${t}/sites/${n}`],
    ['POST', (t) => `/cart/${t}/carts`],
    ['GET', (t) => `/cart/${t}/carts`],
    ['GET', (t, s) => `/cart/${t}/carts/${s}`],
    ['DELETE', (t, s) => `/cart/${t}/carts/${s}`],
    ['GET', (t) => `/customer/${t}/refreshauthtoken`],
    ['GET', (t) => `/customer/${t}/validateauthtoken`],
    ['GET', (t) => `/customer/${t}/me/addresses`],
    ['OPTIONS', (t) => `/session-context/${t}/me/context`],
    ['GET', (t) => `/iam/${t}/scopes`],
    ['GET', (t) => `/session-context/${t}/me/context`],
    ['GET', (t) => `/session-context/${t}/me/context`],
    ['PATCH', (t) => `/session-context/${t}/me/context`],
    ['PATCH', (t) => `/session-context/${t}/me/context`],
    ['POST', (t) => `/session-context/${t}/me/context/attributes`],
    ['POST', (t) => `/session-context/${t}/me/context/attributes`],
    ['DELETE', (t, _s, n) => `/session-context/${t}/me/context/attributes/${n}`],
    ['GET', (t, s) => `/session-context/${t}/context/${s}`],
    ['PUT', (t, s) => `/session-context/${t}/context/${s}`],
    ['PUT', (t, s) => `/session-context/${t}/context/${s}`],
    ['POST', (t, s) => `/session-context/${t}/context/${s}/attributes`],
    ['POST', (t, s) => `/session-context/${t}/context/${s}/attributes`],
    ['DELETE', (t, s, n) => `/session-context/${t}/context/${s}/attributes/${n}`],
    ['GET', (t) => `/session-context/${t}/nowhere`],
    ['GET', () => '/__mock/residue'],
    ['GET', () => '//'],
  ];
  /** Queries shaped like a client's for the routes whose rules read them, so requests get past the first check. */
  const shaped = (url: string): string[] => {
    if (/\/carts$/.test(url) && g.chance(0.7)) {
      return [`siteCode=${g.one(['main', 'main', 'other', ''])}`, ...(g.chance(0.6) ? ['create=true'] : []), ...(g.chance(0.4) ? [`sessionId=${g.one(sessions).sessionId}`] : []), ...(g.chance(0.3) ? [`type=${g.one(['shopping', 'wishlist', ''])}`] : [])];
    }
    if (url.endsWith('/refreshauthtoken') && g.chance(0.7)) return [`refreshToken=${g.one([login.refresh_token, sessions[2].refresh_token, ''])}`];
    if (url.includes('/anonymous/') && g.chance(0.3)) return ['hybris-tenant=conformance', 'client_id=sf-conformance-storefront'];
    return [];
  };
  const queries = (url: string) => {
    const keys = ['tenant', 'hybris-tenant', 'client_id', 'siteCode', 'currency', 'targetLocation', 'language', 'refresh_token', 'refreshToken', 'accessToken', 'expand', 'upsert', 'create', 'type', 'sessionId', 'customerId', '__proto__'];
    const values = ['conformance', 'sf-conformance-storefront', 'addresses', 'true', 'EUR', 'main', '', '%ZZ', sessions[1].refresh_token, login.refresh_token, tokens[6], sessions[2].sessionId, 'ü'];
    const pairs = [...shaped(url), ...Array.from({ length: g.int(3) }, () => `${g.one(keys)}=${g.one(values)}`)];
    if (g.chance(0.15)) pairs.push(...pairs.slice(0, 1), 'expand=addresses', 'expand=x');
    return pairs.length ? `?${pairs.join('&')}` : '';
  };
  const failures: string[] = [];
  let fiveHundreds = 0;
  const statuses = new Map<number, number>();
  const check = (what: string, res: { statusCode: number; body: string; headers: Record<string, unknown> }, method: string) => {
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode >= 500) fiveHundreds += 1;
    const problem =
      res.statusCode >= 500 ? `answered ${res.statusCode}` :
      method !== 'HEAD' && res.body.length > 0 && !/^application\/(.+\+)?json/.test(String(res.headers['content-type'] ?? '')) ? `body with content type ${String(res.headers['content-type'])}` :
      method !== 'HEAD' && res.body.length > 0 && !parsesAsJson(res.body) ? 'a body that is not JSON' : undefined;
    if (problem && failures.length < 20) failures.push(`${what}: ${problem}: ${res.body.slice(0, 200)}`);
  };
  for (let i = 0; i < requests; i++) {
    const [own, path] = g.one(routes);
    // Mostly the route's own method and tenant, so that requests get past routing and reach the rules.
    const method = g.chance(0.75) ? own : g.one<Method>(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);
    const bare = path(g.chance(0.7) ? 'conformance' : g.one(tenants), g.chance(0.6) ? g.one(sessionIds.slice(0, 6)) : g.one(sessionIds), g.one(names));
    const url = bare + queries(bare);
    const hint = url.includes('/attributes') ? 'attribute' : /\/(me\/)?context(\/|\?|$)/.test(url) ? 'write' : 'other';
    const { payload, type } = ['POST', 'PUT', 'PATCH'].includes(method) || g.chance(0.05) ? g.body(hint) : { payload: undefined, type: undefined };
    const headers: Record<string, string> = {};
    if (g.chance(0.75)) headers.authorization = bearer(g.one(tokens));
    else if (!g.chance(0.3)) headers.authorization = g.one([bearer(g.one(tokens)), bearer(g.one(tokens)), bearer(g.one(tokens)), bearer(g.one(tokens)), bearer('unknown'), 'Bearer', 'Basic abc', bearer(g.one(tokens)).toLowerCase(), `${bearer(g.one(tokens))} extra`]);
    if (g.chance(0.2)) headers['saas-token'] = g.one([login.saas_token, 'x', '']);
    // Browser storefronts: an Origin on any request, and preflight headers on any method (issue 14).
    if (g.chance(0.15)) headers.origin = g.one(['http://localhost:3000', 'null', '', 'http://ü.test', 'http://🙂.test']);
    if (g.chance(0.1)) headers['access-control-request-method'] = g.one(['PATCH', 'GET', '', 'NOPE']);
    if (g.chance(0.1)) headers['access-control-request-headers'] = g.one(['authorization, saas-token', '', ',,,', 'x'.repeat(3000), 'bad header\u0001']);
    if (g.chance(0.05)) headers['x-version'] = g.one(['v2', '', 'ü']);
    if (type) headers['content-type'] = type;
    const what = `#${i} ${method} ${url.slice(0, 160)}`;
    const res = await app.inject({ method, url, headers, payload });
    check(what, res, method);
  }
  // A stored value must not break a later read: every context, through both GETs.
  const manage = tokens[7];
  for (const s of sessions) {
    check(`sweep own ${s.sessionId}`, await app.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: { authorization: bearer(s.access_token) } }), 'GET');
  }
  for (const record of service.store.contexts.values()) {
    const url = `/session-context/conformance/context/${encodeURIComponent(record.sessionId)}`;
    check(`sweep ${url}`, await app.inject({ method: 'GET', url, headers: { authorization: bearer(manage) } }), 'GET');
  }
  await app.close();
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
  return { fiveHundreds, failures, histogram };
}


test.describe('the mock under malformed input', () => {
  const variants: { title: string; settings: Partial<MockSettings> }[] = [
    { title: 'default settings', settings: {} },
    {
      title: 'contexts at cart, spec 2022-11, stale 409, CORS off, strict shapes, saas-token always',
      settings: { contextCreation: 'cart', specVersion: '2022-11', staleVersionStatus: 409, cors: 'off', strictShapes: true, putSaasToken: 'always' },
    },
  ];
  for (const [index, v] of variants.entries()) {
    test(`${Math.round(REQUESTS / variants.length)} seeded malformed requests across every route (${v.title}) get no 5xx, JSON bodies only, and leave every context readable`, async () => {
      test.setTimeout(60_000);
      const started = Date.now();
      const settings = { ...defaultSettings, ...v.settings, deviation: process.env.FUZZ_DEVIATION as MockSettings['deviation'] };
      const result = await fuzz(settings, SEED + index, Math.round(REQUESTS / variants.length));
      const seconds = (Date.now() - started) / 1000;
      console.log(`answers: ${result.histogram}`);
      test.info().annotations.push({ type: 'fuzz', description: `${Math.round(REQUESTS / variants.length)} requests, ${result.fiveHundreds} × 5xx, ${seconds.toFixed(1)} s, seed ${SEED + index}` });
      console.log(`fuzz (${v.title}): ${Math.round(REQUESTS / variants.length)} requests, ${result.fiveHundreds} × 5xx, ${seconds.toFixed(1)} s, seed ${SEED + index}`);
      expect(result.failures, `first failures (seed ${SEED + index}; FUZZ_SEED reproduces)`).toEqual([]);
      expect(result.fiveHundreds).toBe(0);
    });
  }
});
