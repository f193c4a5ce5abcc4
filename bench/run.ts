/**
 * `npm run bench`: figures, not tests. The suite's wall time on the bundled mock, the mock's own throughput
 * and memory for the hottest call (GET /me/context), measured in-process with Fastify's inject, and the
 * conformance proxy's added latency and memory (bench/proxy.ts).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createApp } from '../mock/app.js';
import { loadSeed } from '../mock/settings.js';
import { defaultSettings } from '../mock/domain/types.js';

const root = fileURLToPath(new URL('../', import.meta.url));

async function mockThroughput(requests: number) {
  const { app } = createApp(loadSeed(), defaultSettings);
  const login = await app.inject({ method: 'GET', url: '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront' });
  const token = login.json().access_token as string;
  await app.inject({ method: 'POST', url: '/cart/conformance/carts', headers: { authorization: `Bearer ${token}` }, payload: { currency: 'EUR' } });
  const before = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) {
    await app.inject({ method: 'GET', url: '/session-context/conformance/me/context', headers: { authorization: `Bearer ${token}` } });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // 10000 anonymous sessions with a context each: the mock's memory per session.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10000; i++) {
    const l = await app.inject({ method: 'GET', url: '/customerlogin/auth/anonymous/login?tenant=conformance&client_id=sf-conformance-storefront' });
    await app.inject({ method: 'POST', url: '/cart/conformance/carts', headers: { authorization: `Bearer ${l.json().access_token}` }, payload: { currency: 'EUR' } });
  }
  gc();
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  // Upper bound: the whole heap divided by the sessions (the delta alone is drowned by collector noise).
  const perSession = Math.max(heapAfter - heapBefore, 0) / 10000;
  const upperBound = heapAfter / 10000;
  await app.close();
  return { requests, seconds, perSecond: requests / seconds, heapDeltaKiB: (process.memoryUsage().heapUsed - before) / 1024, bytesPerSession: perSession, upperBound, heapAfter };
}

function suiteSeconds(): number {
  const started = Date.now();
  const res = spawnSync('npx', ['playwright', 'test', '--project=conformance'], {
    cwd: root,
    env: { ...process.env, TARGET: 'mock', REPORT_LABEL: 'bench', CONFORMANCE_CONSOLE: 'none', CONFORMANCE_REPORTS: 'json' },
  });
  if (res.status !== 0) throw new Error('the suite failed during the benchmark');
  return (Date.now() - started) / 1000;
}

const t = await mockThroughput(5000);
console.log(`mock GET /me/context: ${t.requests} requests in ${t.seconds.toFixed(2)} s = ${t.perSecond.toFixed(0)} req/s (in-process inject)`);
console.log(`mock memory: heap ${(t.heapAfter / 1048576).toFixed(1)} MiB after 10000 anonymous sessions with a cart and a context (at most ${(t.upperBound / 1024).toFixed(1)} KiB each; measured growth ${(t.bytesPerSession / 1024).toFixed(1)} KiB each)`);
// The conformance proxy (bench/proxy.ts): latency it adds, and its memory after 10,000 storefront sessions.
for (const line of await (await import('./proxy.js')).proxyBench()) console.log(line);
const runs = [suiteSeconds(), suiteSeconds()];
console.log(`suite on the bundled mock (process start to exit): ${runs.map((s) => `${s.toFixed(1)} s`).join(', ')}`);
