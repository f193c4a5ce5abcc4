/**
 * The bundled mock as tests/self/fuzz.spec.ts creates it, listening on a port, with the conformance proxy in front
 * and `app.inject` replaced by the same request sent over HTTP through the proxy. The fuzz test's seeded traffic
 * is thus judged by the proxy exactly as it was generated; on `app.close()` the proxy writes its report to
 * $PROXY_FUZZ_REPORT_DIR/<n>/ (one per mock the test created). Used only by scripts/proxy-check.ts.
 */
import http from 'node:http';
import { createApp as createMockApp, type MockApp } from '../../mock/app.js';
import type { Seed, MockSettings } from '../../mock/domain/types.js';
import { startProxyServer } from '../../proxy/server.js';
import { TrafficJudge } from '../../proxy/judge.js';
import { trafficReport, writeReport } from '../../proxy/report.js';
import { SessionLedger } from '../../tests/support/ledger.js';

export * from '../../mock/app.js';

let created = 0;

interface InjectOptions {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
}

function send(base: string, o: InjectOptions): Promise<{ statusCode: number; body: string; headers: Record<string, unknown>; json: () => unknown }> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  let body: string | undefined;
  if (o.payload !== undefined) {
    body = typeof o.payload === 'string' ? o.payload : JSON.stringify(o.payload);
    if (typeof o.payload !== 'string' && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const answer = (statusCode: number, text: string, h: Record<string, unknown>) => ({ statusCode, body: text, headers: h, json: () => JSON.parse(text) });
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      const u = new URL(base);
      req = http.request({ host: u.hostname, port: u.port, method: o.method ?? 'GET', path: o.url, headers, agent: false });
    } catch (e) {
      // What an HTTP client cannot even send (a header with a control character) never reaches a server.
      resolve(answer(400, JSON.stringify({ code: 400, message: `not sendable over HTTP: ${(e as Error).message}` }), { 'content-type': 'application/json' }));
      return;
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(answer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), res.headers)));
    });
    req.on('error', (e) => resolve(answer(400, JSON.stringify({ code: 400, message: `connection failed: ${e.message}` }), { 'content-type': 'application/json' })));
    req.end(body);
  });
}

export function createApp(seed: Seed, settings: MockSettings, options: { logger?: boolean } = {}): MockApp {
  const mock = createMockApp(seed, settings, options);
  const n = ++created;
  const judge = new TrafficJudge({ specVersion: settings.specVersion, ledger: new SessionLedger({ specVersion: settings.specVersion, propagationMs: 0 }) });
  const ready = (async () => {
    const target = await mock.app.listen({ host: '127.0.0.1', port: 0 });
    const proxy = await startProxyServer({ target, port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, onBegin: (x) => judge.begin(x), onExchange: (x) => judge.observe(x) });
    // A judging error would surface as the fuzz test's failure: it is the proxy's, and must be seen.
    return { target, proxy };
  })();
  const close = mock.app.close.bind(mock.app);
  Object.assign(mock.app, {
    inject: async (o: InjectOptions) => send((await ready).proxy.url, o),
    close: async () => {
      const { target, proxy } = await ready;
      await proxy.close();
      await close();
      const dir = process.env.PROXY_FUZZ_REPORT_DIR;
      if (dir) writeReport(trafficReport({ judge, target, specVersion: settings.specVersion }), `${dir}/${process.pid}-${n}`);
    },
  });
  return mock;
}
