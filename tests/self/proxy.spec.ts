/**
 * The conformance proxy (proxy/, docs/proxy.md) in front of the bundled mock, in this process: it is transparent
 * (the same answer as straight from the mock, for every path, bodies over its limit included, and no request of
 * its own), its command line refuses bad flags with exit 2, and each client finding fires on the request the
 * documents call wrong and stays silent on the right one. The suite's and the fuzz test's own traffic through
 * it is scripts/proxy-check.ts.
 */
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMock } from '../../mock/app.js';
import { loadSeed } from '../../mock/settings.js';
import { defaultSettings, type MockSettings } from '../../mock/domain/types.js';
import { startProxyServer, type RunningProxy } from '../../proxy/server.js';
import { TrafficJudge, type Finding } from '../../proxy/judge.js';
import { trafficReport } from '../../proxy/report.js';
import { SessionLedger } from '../../tests/support/ledger.js';
import { validatorFor, formatErrors } from '../support/ajv.js';

const TENANT = 'conformance';
const CLIENT = 'sf-conformance-storefront';

interface Rig {
  mockUrl: string;
  proxy: RunningProxy;
  judge: TrafficJudge;
  findings: Finding[];
  close(): Promise<void>;
}

async function rig(settings: Partial<MockSettings> = {}, maxBodyBytes = 1024 * 1024): Promise<Rig> {
  const mock = await startMock(loadSeed(), { ...defaultSettings, ...settings }, 0);
  const findings: Finding[] = [];
  const spec = settings.specVersion ?? defaultSettings.specVersion;
  const judge = new TrafficJudge({ specVersion: spec, ledger: new SessionLedger({ specVersion: spec, propagationMs: 0 }), onFinding: (f) => findings.push(f) });
  const proxy = await startProxyServer({ target: mock.url, port: 0, host: '127.0.0.1', maxBodyBytes, onBegin: (x) => judge.begin(x), onExchange: (x) => judge.observe(x) });
  return { mockUrl: mock.url, proxy, judge, findings, close: async () => (await proxy.close(), await mock.close()) };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (a: Answer) => JSON.parse(a.body.toString('utf8')) as Record<string, unknown>;

async function login(base: string): Promise<{ token: string; sessionId: string }> {
  const a = json(await send(base, 'GET', `/customerlogin/auth/anonymous/login?tenant=${TENANT}&client_id=${CLIENT}`));
  return { token: a.access_token as string, sessionId: a.sessionId as string };
}

/** Headers that differ between two answers for reasons of their own (time, connection). */
const VOLATILE = new Set(['date', 'connection', 'keep-alive']);
const stable = (h: Answer['headers']) => Object.fromEntries(Object.entries(h).filter(([k]) => !VOLATILE.has(k)));

test.describe('the conformance proxy', () => {
  test('is transparent: status, headers and body as the mock answers them, for Session Context and any other path, with no request of its own', async () => {
    const r = await rig();
    try {
      // Two sessions made the same way on both sides, so that each side's answers are comparable.
      const direct = await login(r.mockUrl);
      const proxied = await login(r.proxy.url);
      const calls: [string, string, (t: string) => Record<string, string>, string?][] = [
        ['GET', `/site/${TENANT}/sites`, (t) => ({ authorization: `Bearer ${t}` })],
        ['GET', `/session-context/${TENANT}/me/context`, (t) => ({ authorization: `Bearer ${t}` })],
        ['GET', `/session-context/${TENANT}/me/context`, () => ({})],
        ['PATCH', `/session-context/${TENANT}/me/context`, (t) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' }), '{"currency":"USD","metadata":{"version":1}}'],
        ['POST', `/session-context/${TENANT}/me/context/attributes`, (t) => ({ authorization: `Bearer ${t}`, 'content-type': 'text/plain' }), 'not json'],
        ['DELETE', `/session-context/${TENANT}/me/context/attributes/nope`, (t) => ({ authorization: `Bearer ${t}` })],
        ['HEAD', `/session-context/${TENANT}/me/context`, (t) => ({ authorization: `Bearer ${t}` })],
        ['GET', '/nowhere/at/all?x=1&x=2', () => ({})],
      ];
      for (const [method, path, headers, body] of calls) {
        const a = await send(r.mockUrl, method, path, headers(direct.token), body);
        const b = await send(r.proxy.url, method, path, headers(proxied.token), body);
        const norm = (x: Answer, t: { token: string; sessionId: string }) => x.body.toString('utf8').split(t.sessionId).join('<session>').replace(/"(createdAt|modifiedAt)":"[^"]+"/g, '"$1":"<time>"');
        expect.soft(b.status, `${method} ${path}`).toBe(a.status);
        expect.soft(norm(b, proxied), `${method} ${path}`).toBe(norm(a, direct));
        expect.soft(Object.keys(stable(b.headers)).sort(), `${method} ${path}`).toEqual(Object.keys(stable(a.headers)).sort());
      }
      // Every request the proxy saw is one the client sent: 1 login + the calls above.
      expect(r.judge.exchanges).toBe(1 + calls.length);
    } finally {
      await r.close();
    }
  });

  test('streams a body over its limit whole to the target and back, and does not judge it', async () => {
    const r = await rig({}, 4096);
    try {
      const { token } = await login(r.proxy.url);
      const value = 'x'.repeat(20_000);
      const body = JSON.stringify({ key: 'big', value });
      const through = await send(r.proxy.url, 'POST', `/session-context/${TENANT}/me/context/attributes`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body);
      const direct = await send(r.mockUrl, 'POST', `/session-context/${TENANT}/me/context/attributes`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body);
      expect(through.status).toBe(direct.status);
      expect(r.judge.notJudged.truncated).toBe(1);
    } finally {
      await r.close();
    }
  });

  test('passes a compressed answer on as compressed bytes, and judges it decoded', async () => {
    // A tiny target that answers gzip, so that the decoding path is exercised whatever the mock does.
    const payload = gzipSync(Buffer.from('{"sessionId":"s","metadata":{"version":"1"}}'));
    const target = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': payload.length });
      res.end(payload);
    });
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    const judge = new TrafficJudge({ specVersion: '2026-04' });
    const proxy = await startProxyServer({ target: `http://127.0.0.1:${(target.address() as AddressInfo).port}`, port: 0, host: '127.0.0.1', maxBodyBytes: 1 << 20, onExchange: (x) => judge.observe(x) });
    try {
      const a = await send(proxy.url, 'GET', `/session-context/${TENANT}/me/context`, { authorization: 'Bearer abcdefgh', 'accept-encoding': 'gzip' });
      expect(a.headers['content-encoding']).toBe('gzip');
      expect(a.body.equals(payload)).toBe(true);
      // version "1" is a string: the schema check (SC-HTTP-03) must have seen the decoded body.
      expect(judge.apiRequirements()).toEqual(['SC-HTTP-03', 'SC-SCHEMA-01']);
    } finally {
      await proxy.close();
      await new Promise<void>((done) => target.close(() => done()));
    }
  });

  test('judges the API: a faithful mock gives no finding, a deviating one a finding that names its requirement, and the report is valid', async () => {
    const validate = validatorFor('conformance-report.schema.json');
    for (const [deviation, expected] of [
      [undefined, []],
      ['version-as-string', ['SC-HTTP-03', 'SC-SCHEMA-01']],
      ['whitelisted-field-dropped', ['SC-PATCH-WHITELIST-02']],
    ] as const) {
      const r = await rig({ deviation: deviation as MockSettings['deviation'] });
      try {
        const { token } = await login(r.proxy.url);
        const auth = { authorization: `Bearer ${token}` };
        await send(r.proxy.url, 'POST', `/cart/${TENANT}/carts`, { ...auth, 'content-type': 'application/json' }, '{"currency":"EUR"}');
        const before = json(await send(r.proxy.url, 'GET', `/session-context/${TENANT}/me/context`, auth));
        const version = (before.metadata as { version: unknown }).version;
        await send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, { ...auth, 'content-type': 'application/json' }, JSON.stringify({ currency: 'USD', metadata: { version: Number(version) } }));
        await send(r.proxy.url, 'GET', `/session-context/${TENANT}/me/context`, auth);
        const found = r.judge.apiRequirements();
        for (const id of expected) expect(found, `deviation ${deviation}`).toContain(id);
        if (!expected.length) expect(found, 'faithful mock').toEqual([]);
        const report = trafficReport({ judge: r.judge, target: r.mockUrl, specVersion: '2026-04' });
        expect(validate(report), formatErrors(validate.errors)).toBe(true);
        expect(report.verdict.exitCode).toBe(expected.length ? 1 : 0);
        expect(JSON.stringify(report)).not.toContain(token);
      } finally {
        await r.close();
      }
    }
  });

  test('judges single exchanges against what the traffic taught about the token: refusals, tenants, bearer', async () => {
    for (const [deviation, expected] of [
      [undefined, []],
      ['missing-metadata-accepted', ['SC-VERSION-03']],
      ['tenant-mismatch-served', ['SC-TENANT-02']],
      ['fault-body-plain', ['SC-AUTH-01']],
    ] as const) {
      const r = await rig({ deviation: deviation as MockSettings['deviation'] });
      try {
        const { token } = await login(r.proxy.url);
        const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        await send(r.proxy.url, 'POST', `/cart/${TENANT}/carts`, auth, '{"currency":"EUR"}');
        await send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, '{"currency":"USD"}');
        await send(r.proxy.url, 'GET', '/session-context/othertenant/me/context', auth);
        await send(r.proxy.url, 'GET', `/session-context/${TENANT}/me/context`);
        expect(r.judge.apiRequirements(), `deviation ${deviation}`).toEqual([...expected].sort());
      } finally {
        await r.close();
      }
    }
  });

  test('judges the client: each finding on the request the documents call wrong, none on the right one', async () => {
    const r = await rig();
    try {
      const kinds = () => r.findings.filter((f) => f.side === 'client').map((f) => f.id);
      const { token, sessionId } = await login(r.proxy.url);
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const service = json(await send(r.proxy.url, 'POST', '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=client_credentials&client_id=conformance-service&client_secret=conformance-service-secret'));
      const manage = { authorization: `Bearer ${service.access_token as string}`, 'content-type': 'application/json' };
      await send(r.proxy.url, 'POST', `/cart/${TENANT}/carts`, auth, '{"currency":"EUR"}');
      const read = async () => (json(await send(r.proxy.url, 'GET', `/session-context/${TENANT}/me/context`, auth)).metadata as { version: number }).version;
      const step = async (kind: string | undefined, act: () => Promise<unknown>) => {
        const before = kinds().length;
        await act();
        expect(kinds().slice(before), `after ${kind ?? 'a right request'}`).toEqual(kind ? [kind] : []);
      };
      let v = await read();
      await step(undefined, () => send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, JSON.stringify({ currency: 'USD', metadata: { version: v } })));
      await step('write-without-version', () => send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, '{"currency":"EUR"}'));
      v = await read();
      await step('ignored-fields', () => send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, JSON.stringify({ cartId: 'x', metadata: { version: v } })));
      v = await read();
      // Another part of the app adds an attribute; this client then PATCHes the map it read before: the attribute goes.
      await step(undefined, () => send(r.proxy.url, 'POST', `/session-context/${TENANT}/context/${sessionId}/attributes`, manage, '{"key":"basket","value":{"n":1}}'));
      await step('context-drops-attributes', () => send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, JSON.stringify({ context: { mine: { a: 1 } }, metadata: { version: v } })));
      await step(undefined, () => read());
      await step('stale-retry', async () => {
        await send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, JSON.stringify({ currency: 'USD', metadata: { version: v } }));
        await send(r.proxy.url, 'PATCH', `/session-context/${TENANT}/me/context`, auth, JSON.stringify({ currency: 'USD', metadata: { version: v } }));
      });
      await step(undefined, () => read());
      await step('delete-unseen', () => send(r.proxy.url, 'DELETE', `/session-context/${TENANT}/me/context/attributes/never-seen`, auth));
      await step(undefined, () => send(r.proxy.url, 'DELETE', `/session-context/${TENANT}/me/context/attributes/mine`, auth));
      await step('secret-in-browser', () => send(r.proxy.url, 'GET', `/session-context/${TENANT}/context/${sessionId}`, { ...manage, origin: 'https://shop.example' }));
      // Evidence is redacted: no token of this traffic in any finding.
      const text = JSON.stringify(r.findings);
      for (const secret of [token, service.access_token as string, 'conformance-service-secret']) expect(text.includes(secret)).toBe(false);
    } finally {
      await r.close();
    }
  });

  test('its command line refuses a bad flag with exit 2 and a message naming it', () => {
    for (const [args, message] of [
      [[], /--target URL is required/],
      [['--target', 'ftp://x'], /--target must be an http or https URL/],
      [['--target', 'http://x', '--port', '70000'], /--port must be an integer 0\.\.65535/],
      [['--target', 'http://x', '--spec-version', '2020-01'], /--spec-version/],
      [['--target', 'http://x', '--nope'], /Unknown option '--nope'/],
    ] as const) {
      const res = spawnSync(process.execPath, ['--import', 'tsx', 'proxy/main.ts', ...args], { encoding: 'utf8' });
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toMatch(message);
    }
  });
});
