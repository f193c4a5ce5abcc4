/**
 * The request shapes public Emporix clients send, replayed against the mock, each checked for the one thing the
 * client needs from the answer (BEHAVIOUR.md §8, issue 14). These clients work against real tenants, so a shape the
 * mock refuses or an answer field it lacks is a storefront that cannot start on the mock: the point of the bundled
 * mock for client developers. Through Fastify's inject (no port); the browser's view is tests/self/browser.spec.ts.
 */
import { test, expect } from '@playwright/test';
import { createApp } from '../../mock/app.js';
import { loadSeed } from '../../mock/settings.js';
import { defaultSettings, type MockSettings } from '../../mock/domain/types.js';

const T = 'conformance';
const CLIENT = 'sf-conformance-storefront';
const CUSTOMER = { email: 'test.customer@conformance.test', password: 'Passw0rd!test' };
const SERVICE = { id: 'conformance-service', secret: 'conformance-service-secret' };
const seed = loadSeed();

interface Sent {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A mock with the given settings and a client that replays shapes on it; failures show the exchange. */
async function mockWith(settings: Partial<MockSettings> = {}) {
  const { app } = createApp(seed, { ...defaultSettings, ...settings });
  const send = async (sent: Sent) => {
    const res = await app.inject({ method: sent.method, url: sent.url, headers: sent.headers, payload: sent.body });
    const text = res.body;
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // not JSON; `explain` shows the text
    }
    const explain = `${sent.method} ${sent.url.split('?')[0]}${sent.body ? ` ${sent.body.slice(0, 200)}` : ''}\n  -> ${res.statusCode} ${String(res.headers['content-type'] ?? '')} ${text.slice(0, 300)}`;
    return { status: res.statusCode, headers: res.headers, json, text, explain };
  };
  const anonymous = async (extra = '') => {
    const r = await send({ method: 'GET', url: `/customerlogin/auth/anonymous/login?tenant=${T}&client_id=${CLIENT}${extra}` });
    expect(r.status, r.explain).toBe(200);
    return { token: String(r.json.access_token), sessionId: String(r.json.sessionId), refresh: String(r.json.refresh_token), answer: r };
  };
  const customer = async () => {
    const anon = await anonymous();
    const r = await send({ method: 'POST', url: `/customer/${T}/login`, headers: { authorization: `Bearer ${anon.token}`, 'content-type': 'application/json' }, body: JSON.stringify(CUSTOMER) });
    expect(r.status, r.explain).toBe(200);
    return { anon, answer: r };
  };
  const service = async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: SERVICE.id, client_secret: SERVICE.secret }).toString();
    const r = await send({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(r.status, r.explain).toBe(200);
    return String(r.json.access_token);
  };
  const bearer = (token: string, more: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...more });
  return { app, send, anonymous, customer, service, bearer };
}
type Mock = Awaited<ReturnType<typeof mockWith>>;

async function withMock(settings: Partial<MockSettings>, body: (m: Mock) => Promise<void>) {
  const mock = await mockWith(settings);
  try {
    await body(mock);
  } finally {
    await mock.app.close();
  }
}

test.describe('client request shapes (BEHAVIOUR.md §8)', () => {
  test('anonymous login and refresh with the tenant as hybris-tenant (b2b-showcase, pegasus430, laioutr)', async () => {
    await withMock({}, async ({ send }) => {
      const login = await send({ method: 'GET', url: `/customerlogin/auth/anonymous/login?hybris-tenant=${T}&client_id=${CLIENT}` });
      expect(login.status, login.explain).toBe(200);
      expect(typeof login.json.access_token, login.explain).toBe('string');
      const refresh = await send({ method: 'GET', url: `/customerlogin/auth/anonymous/refresh?hybris-tenant=${T}&client_id=${CLIENT}&refresh_token=${login.json.refresh_token}` });
      expect(refresh.status, refresh.explain).toBe(200);
      expect(refresh.json.sessionId, refresh.explain).toBe(login.json.sessionId);
    });
  });

  test('the anonymous-login answer carries the session id as sessionId and session_id (SDK; emp demo live test)', async () => {
    await withMock({}, async ({ anonymous }) => {
      const { answer, sessionId } = await anonymous();
      expect(sessionId, answer.explain).toMatch(/\S/);
      expect(answer.json.session_id, answer.explain).toBe(sessionId);
    });
    await withMock({ strictShapes: true }, async ({ anonymous }) => {
      const { answer } = await anonymous();
      expect(answer.json.sessionId, `--strict-shapes keeps the documented name\n${answer.explain}`).toBeTruthy();
      expect('session_id' in answer.json, `--strict-shapes drops the alias\n${answer.explain}`).toBe(false);
    });
  });

  test('the customer-login answer carries the camelCase accessToken, saasToken, expiresIn beside snake_case (b2b-showcase)', async () => {
    await withMock({}, async ({ customer }) => {
      const { answer } = await customer();
      for (const [snake, camel] of [['access_token', 'accessToken'], ['saas_token', 'saasToken'], ['expires_in', 'expiresIn']]) {
        expect(answer.json[snake], `${snake}\n${answer.explain}`).toBeTruthy();
        expect(answer.json[camel] === answer.json[snake], `${camel} equals ${snake}\n${answer.explain}`).toBe(true);
      }
    });
    await withMock({ strictShapes: true }, async ({ customer }) => {
      const { answer } = await customer();
      expect(answer.json.access_token, answer.explain).toBeTruthy();
      for (const camel of ['accessToken', 'saasToken', 'expiresIn']) expect(camel in answer.json, `--strict-shapes drops ${camel}\n${answer.explain}`).toBe(false);
    });
  });

  test('a context exists right after anonymous login, own and management read, before any cart (emp demo; b2b-showcase)', async () => {
    await withMock({}, async ({ send, anonymous, service, bearer }) => {
      const { token, sessionId } = await anonymous();
      const own = await send({ method: 'GET', url: `/session-context/${T}/me/context`, headers: bearer(token) });
      expect(own.status, `the default creation mode is login\n${own.explain}`).toBe(200);
      expect(own.json.sessionId, own.explain).toBe(sessionId);
      const managed = await send({ method: 'GET', url: `/session-context/${T}/context/${sessionId}`, headers: bearer(await service()) });
      expect(managed.status, managed.explain).toBe(200);
    });
  });

  test('GET carts?siteCode=main&create=true with X-Version: v2 gets the cart, then the cart by id (SDK carts.getCurrent; b2b-showcase)', async () => {
    for (const contextCreation of ['login', 'cart'] as const) {
      await withMock({ contextCreation }, async ({ send, anonymous, bearer }) => {
        const { token, sessionId } = await anonymous();
        const headers = bearer(token, { 'x-version': 'v2', 'content-type': 'application/json' });
        const first = await send({ method: 'GET', url: `/cart/${T}/carts?siteCode=main&create=true&sessionId=${sessionId}`, headers });
        expect([200, 201], `${contextCreation}: create=true makes the cart\n${first.explain}`).toContain(first.status);
        const cartId = first.json.id;
        expect(typeof cartId, first.explain).toBe('string');
        const again = await send({ method: 'GET', url: `/cart/${T}/carts?siteCode=main&create=true`, headers });
        expect(again.status, again.explain).toBe(200);
        expect(again.json.id, `the same open cart, not a second one\n${again.explain}`).toBe(cartId);
        const byId = await send({ method: 'GET', url: `/cart/${T}/carts/${cartId}`, headers });
        expect(byId.status, byId.explain).toBe(200);
        expect(byId.json.id, byId.explain).toBe(cartId);
        const context = await send({ method: 'GET', url: `/session-context/${T}/me/context`, headers: bearer(token) });
        expect(context.status, `${contextCreation}: the context exists once the cart does\n${context.explain}`).toBe(200);
        expect(context.json.cartId, context.explain).toBe(cartId);
      });
    }
  });

  test('GET /customer/{tenant}/refreshauthtoken?refreshToken=R gives a new customer token for the same session (SDK)', async () => {
    await withMock({}, async ({ send, customer, bearer }) => {
      const { anon, answer } = await customer();
      const refreshed = await send({ method: 'GET', url: `/customer/${T}/refreshauthtoken?refreshToken=${answer.json.refresh_token}`, headers: bearer(String(answer.json.access_token)) });
      expect(refreshed.status, refreshed.explain).toBe(200);
      expect(typeof refreshed.json.access_token, refreshed.explain).toBe('string');
      expect(refreshed.json.access_token === answer.json.access_token, `a new token\n${refreshed.explain}`).toBe(false);
      expect(refreshed.json.session_id, refreshed.explain).toBe(anon.sessionId);
      const context = await send({ method: 'GET', url: `/session-context/${T}/me/context`, headers: bearer(String(refreshed.json.access_token)) });
      expect(context.status, `the new token reads the same session's context\n${context.explain}`).toBe(200);
      expect(context.json.sessionId, context.explain).toBe(anon.sessionId);
    });
  });

  test('a JSON content type on requests without a body reaches the mock\'s own rules (a DELETE; a token request)', async () => {
    await withMock({}, async ({ send, anonymous, bearer }) => {
      const json = { 'content-type': 'application/json' };
      const login = await send({ method: 'GET', url: `/customerlogin/auth/anonymous/login?tenant=${T}&client_id=${CLIENT}`, headers: json });
      expect(login.status, login.explain).toBe(200);
      const { token } = await anonymous();
      const added = await send({ method: 'POST', url: `/session-context/${T}/me/context/attributes`, headers: bearer(token, json), body: JSON.stringify({ key: 'campaign', value: 'spring' }) });
      expect(added.status, added.explain).toBeLessThan(300);
      const deleted = await send({ method: 'DELETE', url: `/session-context/${T}/me/context/attributes/campaign`, headers: bearer(token, json) });
      expect(deleted.status, deleted.explain).toBe(204);
      // A token request with its credentials in the query: whatever the mock answers, it is its own JSON answer,
      // not the framework's "body cannot be empty".
      const query = new URLSearchParams({ grant_type: 'client_credentials', client_id: SERVICE.id, client_secret: SERVICE.secret });
      const token2 = await send({ method: 'POST', url: `/oauth/token?${query}`, headers: json });
      expect(token2.status, token2.explain).toBeLessThan(500);
      expect(String(token2.headers['content-type']), token2.explain).toMatch(/application\/json/);
      expect(token2.text, token2.explain).not.toMatch(/FST_ERR|Body cannot be empty/i);
    });
  });

  test('a stale version gets a 404 whose message names the version and says it "has not been found" (emp demo)', async () => {
    await withMock({}, async ({ send, anonymous, bearer }) => {
      const { token } = await anonymous();
      const headers = bearer(token, { 'content-type': 'application/json' });
      const first = await send({ method: 'PATCH', url: `/session-context/${T}/me/context`, headers, body: JSON.stringify({ currency: 'USD', metadata: { version: 1 } }) });
      expect(first.status, first.explain).toBeLessThan(300);
      const stale = await send({ method: 'PATCH', url: `/session-context/${T}/me/context`, headers, body: JSON.stringify({ currency: 'CHF', metadata: { version: 1 } }) });
      expect(stale.status, stale.explain).toBe(404);
      expect(String(stale.json.message), stale.explain).toMatch(/version/i);
      expect(String(stale.json.message), stale.explain).toMatch(/has not been found/);
    });
  });

  test('an anonymous PUT without saas-token: accepted as documented, refused naming the header under --put-saas-token always', async () => {
    for (const putSaasToken of ['customer', 'always'] as const) {
      await withMock({ putSaasToken }, async ({ send, anonymous, service, bearer }) => {
        const { sessionId } = await anonymous();
        const put = await send({
          method: 'PUT',
          url: `/session-context/${T}/context/${sessionId}?upsert=true`,
          headers: bearer(await service(), { 'content-type': 'application/json' }),
          body: JSON.stringify({ currency: 'USD', metadata: { version: 1 } }),
        });
        if (putSaasToken === 'customer') {
          expect(put.status, `documented: saas-token only for a customer's context\n${put.explain}`).toBeLessThan(300);
        } else {
          expect(put.status, put.explain).toBeGreaterThanOrEqual(400);
          expect(put.status, put.explain).toBeLessThan(500);
          expect(String(put.json.message), put.explain).toMatch(/saas-token/i);
        }
      });
    }
  });

  test('CORS: a preflight gets 204 with the origin, methods and headers a storefront needs; answers carry the origin', async () => {
    const origin = 'http://shop.example:3000';
    const wanted = ['authorization', 'content-type', 'saas-token', 'session-id', 'x-version', 'accept-language', 'content-language'];
    const preflight: Sent = {
      method: 'OPTIONS',
      url: `/session-context/${T}/me/context`,
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type,x-version' },
    };
    await withMock({}, async ({ send, anonymous, bearer }) => {
      const pre = await send(preflight);
      expect(pre.status, pre.explain).toBe(204);
      expect(pre.headers['access-control-allow-origin'], pre.explain).toMatch(new RegExp(`^(\\*|${origin.replace(/[.:/]/g, '\\$&')})$`));
      expect(String(pre.headers['access-control-allow-methods']), pre.explain).toMatch(/PATCH/);
      const allowed = String(pre.headers['access-control-allow-headers']).toLowerCase().split(/\s*,\s*/);
      for (const h of wanted) expect(allowed, `${h} allowed\n${pre.explain}`).toContain(h);
      const { token } = await anonymous();
      const get = await send({ method: 'GET', url: `/site/${T}/sites`, headers: bearer(token, { origin }) });
      expect(get.status, get.explain).toBe(200);
      expect(get.headers['access-control-allow-origin'], get.explain).toBeTruthy();
      expect(String(get.headers['access-control-expose-headers']).toLowerCase(), get.explain).toMatch(/location/);
    });
    await withMock({ cors: 'http://other.example' }, async ({ send }) => {
      const pre = await send(preflight);
      expect(pre.headers['access-control-allow-origin'], `a page of an origin not listed is refused\n${pre.explain}`).not.toBe(origin);
    });
    await withMock({ cors: 'off' }, async ({ send }) => {
      const pre = await send(preflight);
      expect(pre.headers['access-control-allow-origin'], `--cors off\n${pre.explain}`).toBeUndefined();
      expect(pre.status, pre.explain).not.toBe(204);
    });
  });

  test('a service the mock does not serve answers a JSON 404 naming the services it serves', async () => {
    await withMock({}, async ({ send, anonymous, bearer }) => {
      const { token } = await anonymous();
      const r = await send({ method: 'GET', url: `/product/${T}/products`, headers: bearer(token) });
      expect(r.status, r.explain).toBe(404);
      expect(String(r.headers['content-type']), r.explain).toMatch(/application\/json/);
      expect(String(r.json.message), r.explain).toMatch(/session-context/);
      expect(String(r.json.message), r.explain).toMatch(/cart/);
    });
  });
});
