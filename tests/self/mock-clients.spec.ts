/**
 * The mock as a drop-in local Emporix for client developers (issue 14): what storefronts, SDKs and demos written
 * for real tenants send and read (BEHAVIOUR.md §8), through Fastify's inject (no port). Each block breaks when its
 * feature does: the cart calls, CORS, the token answers and parameters, the default creation mode, the observed
 * saas-token strictness as a setting, the 404 for services the mock does not serve, and the mock's wiring.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { createApp } from '../../mock/app.js';
import { CORS_ALLOWED_HEADERS } from '../../mock/cors.js';
import { loadSeed, settingsFrom, SettingsError } from '../../mock/settings.js';
import { defaultSettings, type MockSettings } from '../../mock/domain/types.js';

const seed = loadSeed();
const TENANT = 'conformance';
const CLIENT = 'sf-conformance-storefront';
const CUSTOMER = { email: 'test.customer@conformance.test', password: 'Passw0rd!test' };
const FORM = 'grant_type=client_credentials&client_id=conformance-service&client_secret=conformance-service-secret';
const root = fileURLToPath(new URL('../../', import.meta.url));

type App = ReturnType<typeof createApp>['app'];
type Answer = Awaited<ReturnType<App['inject']>>;

/** One line per answer for a failure message: status and body. */
const said = (res: Answer) => `${res.statusCode} ${res.body.slice(0, 300)}`;

async function withMock(settings: Partial<MockSettings>, body: (app: App) => Promise<void>) {
  const { app } = createApp(seed, { ...defaultSettings, ...settings });
  try {
    await body(app);
  } finally {
    await app.close();
  }
}

async function anonymous(app: App, query = `tenant=${TENANT}&client_id=${CLIENT}`) {
  const res = await app.inject({ method: 'GET', url: `/customerlogin/auth/anonymous/login?${query}` });
  expect(res.statusCode, said(res)).toBe(200);
  return res.json() as Record<string, string>;
}

const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

test.describe('mock for clients: the cart calls a storefront makes (cart.yaml)', () => {
  for (const contextCreation of ['login', 'cart'] as const) {
    test(`GET carts?siteCode&create=true opens the session's cart once, GET carts/{id} reads it, the context takes its cartId (contexts at ${contextCreation})`, async () => {
      await withMock({ contextCreation }, async (app) => {
        const anon = await anonymous(app);
        const own = bearer(anon.access_token, { 'x-version': 'v2', 'accept-language': 'en' });
        const before = await app.inject({ method: 'GET', url: `/session-context/${TENANT}/me/context`, headers: own });
        expect(before.statusCode, said(before)).toBe(contextCreation === 'login' ? 200 : 404);
        const none = await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main&sessionId=${anon.sessionId}`, headers: own });
        expect(none.statusCode, `no cart yet and no create=true: ${said(none)}`).toBe(404);
        const created = await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main&create=true&sessionId=${anon.sessionId}&legalEntityId=&zipCode=12345&countryCode=DE`, headers: own });
        expect(created.statusCode, said(created)).toBe(200);
        const cart = created.json();
        // cart.yaml `cart`: siteCode is required; id, currency, type, items as a storefront reads them.
        expect(cart, said(created)).toMatchObject({ id: expect.any(String), siteCode: 'main', currency: 'EUR', type: 'shopping', sessionId: anon.sessionId, items: [] });
        const again = await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main&create=true`, headers: own });
        expect(again.json().id, `the second GET finds the same cart: ${said(again)}`).toBe(cart.id);
        const byId = await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts/${cart.id}`, headers: own });
        expect([byId.statusCode, byId.json().id], said(byId)).toEqual([200, cart.id]);
        const context = await app.inject({ method: 'GET', url: `/session-context/${TENANT}/me/context`, headers: own });
        expect([context.statusCode, context.json().cartId], said(context)).toEqual([200, cart.id]);
        const wishlist = await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main&type=wishlist&create=true`, headers: own });
        expect(wishlist.json().id, 'another type is another cart').not.toBe(cart.id);
      });
    });
  }

  test('cart refusals: no siteCode 400, another session 403, an unknown or foreign cart 404, no token 401, all JSON', async () => {
    await withMock({}, async (app) => {
      const [a, b] = [await anonymous(app), await anonymous(app)];
      const cases: [string, Answer, number][] = [
        ['no siteCode', await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?create=true`, headers: bearer(a.access_token) }), 400],
        ['another session', await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main&sessionId=${b.sessionId}`, headers: bearer(a.access_token) }), 403],
        ['unknown cart', await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts/nope`, headers: bearer(a.access_token) }), 404],
        ['no token', await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main` }), 401],
      ];
      const cartOfB = (await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts?siteCode=main&create=true`, headers: bearer(b.access_token) })).json().id as string;
      cases.push(['foreign cart', await app.inject({ method: 'GET', url: `/cart/${TENANT}/carts/${cartOfB}`, headers: bearer(a.access_token) }), 403]);
      for (const [what, res, status] of cases) {
        expect(res.statusCode, `${what}: ${said(res)}`).toBe(status);
        expect(res.headers['content-type'], what).toMatch(/application\/json/);
      }
    });
  });
});

test.describe('mock for clients: CORS for browser storefronts', () => {
  const preflight = (app: App, url: string, origin = 'http://localhost:3000') =>
    app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type, saas-token, session-id, x-version, accept-language, x-custom' },
    });

  test('on by default: a preflight gets 204 with origin, methods and headers; every answer carries the origin and exposes Location', async () => {
    await withMock({ rateLimit: 0.5, randomSeed: 3 }, async (app) => {
      for (const url of [`/session-context/${TENANT}/me/context`, `/cart/${TENANT}/carts`, '/not/served']) {
        const res = await preflight(app, url);
        expect(res.statusCode, `${url}: ${said(res)}`).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
        const allowed = String(res.headers['access-control-allow-headers']).split(/,\s*/);
        for (const h of [...CORS_ALLOWED_HEADERS, 'x-custom']) expect(allowed, `allowed headers lack ${h}`).toContain(h);
        for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(String(res.headers['access-control-allow-methods'])).toContain(m);
        expect(res.body).toBe('');
      }
      // Every answer, a simulated 429 among them (a page must read its Retry-After), carries the origin.
      const seen = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const res = await app.inject({ method: 'GET', url: `/customerlogin/auth/anonymous/login?tenant=${TENANT}&client_id=${CLIENT}`, headers: { origin: 'http://localhost:3000' } });
        seen.add(res.statusCode);
        expect(res.headers['access-control-allow-origin'], said(res)).toBe('http://localhost:3000');
        expect(String(res.headers['access-control-expose-headers'])).toMatch(/location/i);
      }
      expect([...seen].sort()).toEqual([200, 429]);
      const curl = await app.inject({ method: 'GET', url: '/not/served' });
      expect(curl.headers['access-control-allow-origin'], 'a request without Origin gets *').toBe('*');
    });
  });

  test('--cors ORIGIN allows that origin only; --cors off sends no CORS header and leaves OPTIONS to the 405 rule', async () => {
    await withMock({ cors: 'http://shop.test:8080' }, async (app) => {
      expect((await preflight(app, `/session-context/${TENANT}/me/context`, 'http://shop.test:8080')).headers['access-control-allow-origin']).toBe('http://shop.test:8080');
      expect((await preflight(app, `/session-context/${TENANT}/me/context`, 'http://evil.test')).headers['access-control-allow-origin']).toBe('http://shop.test:8080');
    });
    await withMock({ cors: 'off' }, async (app) => {
      const res = await preflight(app, `/session-context/${TENANT}/me/context`);
      expect(res.statusCode, said(res)).toBe(405);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
    expect(settingsFrom({}, { MOCK_CORS: 'http://a.test,https://b.test:3000' }).cors).toBe('http://a.test,https://b.test:3000');
    expect(settingsFrom({}, {}).cors).toBe('*');
    expect(() => settingsFrom({ cors: 'localhost:3000/path' }, {})).toThrow(SettingsError);
    expect(() => settingsFrom({}, { MOCK_CORS: 'yes' })).toThrow(/--cors \(MOCK_CORS\)/);
  });
});

test.describe('mock for clients: token answers and parameters as clients use them', () => {
  test('hybris-tenant is taken for anonymous login and refresh; the answer carries sessionId and session_id', async () => {
    await withMock({}, async (app) => {
      const anon = await anonymous(app, `hybris-tenant=${TENANT}&client_id=${CLIENT}`);
      expect(anon.session_id, 'session_id beside sessionId').toBe(anon.sessionId);
      const refresh = await app.inject({ method: 'GET', url: `/customerlogin/auth/anonymous/refresh?hybris-tenant=${TENANT}&client_id=${CLIENT}&refresh_token=${anon.refresh_token}` });
      expect(refresh.statusCode, said(refresh)).toBe(200);
      expect([refresh.json().sessionId, refresh.json().session_id]).toEqual([anon.sessionId, anon.sessionId]);
    });
  });

  test('customer login answers snake_case and the deprecated camelCase fields; refreshauthtoken gives a new token for the same session', async () => {
    await withMock({}, async (app) => {
      const anon = await anonymous(app);
      const login = await app.inject({ method: 'POST', url: `/customer/${TENANT}/login`, headers: bearer(anon.access_token), payload: CUSTOMER });
      const token = login.json();
      expect(login.statusCode, said(login)).toBe(200);
      for (const [snake, camel] of [['access_token', 'accessToken'], ['saas_token', 'saasToken'], ['expires_in', 'expiresIn'], ['refresh_token', 'refreshToken'], ['refresh_token_expires_in', 'refreshTokenExpiresIn']]) {
        expect(token[camel] !== undefined && token[camel] === token[snake], `${camel} equals ${snake}`).toBe(true);
      }
      const refreshed = await app.inject({ method: 'GET', url: `/customer/${TENANT}/refreshauthtoken?refreshToken=${token.refresh_token}`, headers: bearer(token.access_token) });
      expect(refreshed.statusCode, said(refreshed)).toBe(200);
      const next = refreshed.json();
      expect(next.session_id).toBe(anon.sessionId);
      expect(next.access_token === token.access_token, 'a new access token').toBe(false);
      const context = await app.inject({ method: 'GET', url: `/session-context/${TENANT}/me/context`, headers: bearer(next.access_token) });
      expect([context.statusCode, context.json().sessionId, typeof context.json().customerId], said(context)).toEqual([200, anon.sessionId, 'string']);
      const reused = await app.inject({ method: 'GET', url: `/customer/${TENANT}/refreshauthtoken?refreshToken=${token.refresh_token}`, headers: bearer(next.access_token) });
      expect(reused.statusCode, `a used refresh token: ${said(reused)}`).toBe(401);
    });
  });

  test('--strict-shapes: only the current documented names (no session_id alias, no camelCase)', async () => {
    await withMock({ strictShapes: true }, async (app) => {
      const anon = await anonymous(app);
      expect(Object.keys(anon)).not.toContain('session_id');
      const token = (await app.inject({ method: 'POST', url: `/customer/${TENANT}/login`, headers: bearer(anon.access_token), payload: CUSTOMER })).json();
      expect(Object.keys(token).filter((k) => /[A-Z]/.test(k) && k !== 'initialPassword')).toEqual([]);
    });
    expect(settingsFrom({}, { MOCK_STRICT_SHAPES: '1' }).strictShapes).toBe(true);
  });

  test('a JSON content type with an empty body reaches the mock\'s own rules (bodiless DELETE, token request with query credentials)', async () => {
    await withMock({}, async (app) => {
      const json = { 'content-type': 'application/json' };
      const login = await app.inject({ method: 'GET', url: `/customerlogin/auth/anonymous/login?tenant=${TENANT}&client_id=${CLIENT}`, headers: json, payload: '' });
      expect(login.statusCode, said(login)).toBe(200);
      const token = login.json().access_token as string;
      await app.inject({ method: 'POST', url: `/session-context/${TENANT}/me/context/attributes`, headers: bearer(token), payload: { key: 'k', value: 'v' } });
      const del = await app.inject({ method: 'DELETE', url: `/session-context/${TENANT}/me/context/attributes/k`, headers: bearer(token, json), payload: '' });
      expect(del.statusCode, said(del)).toBe(204);
      const patch = await app.inject({ method: 'PATCH', url: `/session-context/${TENANT}/me/context`, headers: bearer(token, json), payload: '' });
      expect([patch.statusCode, patch.json().message], 'an empty PATCH is refused by the mock\'s rule, not the framework').toEqual([400, 'The request body must be a JSON object']);
    });
  });
});

test.describe('mock for clients: defaults and settings', () => {
  test('contexts are created at anonymous login by default; cart mode stays a setting', async () => {
    expect(defaultSettings.contextCreation).toBe('login');
    expect(settingsFrom({}, {}).contextCreation).toBe('login');
    expect(settingsFrom({ 'context-creation': 'cart' }, {}).contextCreation).toBe('cart');
    await withMock(settingsFrom({}, {}), async (app) => {
      const anon = await anonymous(app);
      const res = await app.inject({ method: 'GET', url: `/session-context/${TENANT}/me/context`, headers: bearer(anon.access_token) });
      expect(res.statusCode, `right after anonymous login: ${said(res)}`).toBe(200);
    });
  });

  test('--put-saas-token always refuses a PUT without saas-token on an anonymous context before the body is read; the default accepts it', async () => {
    for (const putSaasToken of ['always', 'customer'] as const) {
      await withMock({ putSaasToken }, async (app) => {
        const anon = await anonymous(app);
        const manage = (await app.inject({ method: 'POST', url: '/oauth/token', payload: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json().access_token as string;
        const url = `/session-context/${TENANT}/context/${anon.sessionId}?upsert=true`;
        const put = await app.inject({ method: 'PUT', url, headers: bearer(manage), payload: { currency: 'USD', metadata: { version: 1 } } });
        const bad = await app.inject({ method: 'PUT', url, headers: bearer(manage), payload: { currency: 5 } });
        const noToken = await app.inject({ method: 'PUT', url, payload: { currency: 'USD', metadata: { version: 1 } } });
        if (putSaasToken === 'always') {
          expect([put.statusCode, put.json().message], said(put)).toEqual([400, expect.stringContaining('Required Header [saas-token]')]);
          expect(bad.json().message, `the header is checked before the body: ${said(bad)}`).toContain('Required Header [saas-token]');
          expect(noToken.statusCode, `a missing bearer is still the 401: ${said(noToken)}`).toBe(401);
        } else {
          expect(put.statusCode, said(put)).toBe(204);
          expect(bad.statusCode, said(bad)).toBe(400);
        }
      });
    }
    expect(settingsFrom({}, { MOCK_PUT_SAAS_TOKEN: 'always' }).putSaasToken).toBe('always');
    expect(() => settingsFrom({ 'put-saas-token': 'sometimes' }, {})).toThrow(/--put-saas-token \(MOCK_PUT_SAAS_TOKEN\) must be one of customer, always/);
  });
});

test.describe('mock for clients: what the mock does not serve', () => {
  test('an unserved service gets a JSON 404 naming the services and routes served; the stand-ins answer', async () => {
    await withMock({}, async (app) => {
      const anon = await anonymous(app);
      const res = await app.inject({ method: 'GET', url: `/iam/${TENANT}/scopes`, headers: bearer(anon.access_token) });
      expect(res.statusCode).toBe(404);
      const body = res.json();
      for (const service of ['customerlogin', 'customer', 'oauth', 'site', 'cart', 'session-context']) expect(body.message, `names ${service}`).toContain(service);
      expect(body.routes).toContain('GET /cart/:tenant/carts');
      expect(body.routes).toContain('PATCH /session-context/:tenant/me/context');
      expect(body.routes.some((r: string) => r.includes('__mock')), 'the mock\'s own endpoints are not offered').toBe(false);
      const login = (await app.inject({ method: 'POST', url: `/customer/${TENANT}/login`, headers: bearer(anon.access_token), payload: CUSTOMER })).json();
      const validate = await app.inject({ method: 'GET', url: `/customer/${TENANT}/validateauthtoken`, headers: bearer(login.access_token) });
      expect(validate.json(), said(validate)).toMatchObject({ sessionId: anon.sessionId, email: CUSTOMER.email, scope: expect.stringContaining(`tenant=${TENANT}`) });
      const addresses = await app.inject({ method: 'GET', url: `/customer/${TENANT}/me/addresses`, headers: bearer(login.access_token) });
      expect([addresses.statusCode, Array.isArray(addresses.json())], said(addresses)).toEqual([200, true]);
    });
  });
});

test.describe("mock's wiring", () => {
  /** The value imports of a module (not `import type`), resolved to files, followed transitively. */
  function reachable(entry: string): Set<string> {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'(\.[^']+)'/gm)) {
        visit(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
      }
    };
    visit(resolve(root, entry));
    return seen;
  }

  test('the store, the rules and the faithful flow import nothing of the deviation catalogue; the app hands the hooks in', () => {
    const faithful = ['store.ts', 'rules.ts', 'access.ts', 'identity.ts', 'neighbours.ts', 'contexts.ts', 'management.ts', 'replies.ts', 'service.ts'];
    for (const file of faithful) {
      const catalogue = [...reachable(`mock/domain/${file}`)].filter((f) => /deviation/.test(f)).map((f) => f.slice(root.length));
      expect(catalogue, `mock/domain/${file} reaches the catalogue`).toEqual([]);
    }
    expect([...reachable('mock/app.ts')].some((f) => f.endsWith('deviation-hooks.ts')), 'mock/app.ts composes the hooks').toBe(true);
  });
});
