/**
 * The conformance proxy's cost (called by bench/run.ts; alone: `node --expose-gc --import tsx bench/proxy.ts`):
 *  - latency it adds: the same storefront calls sent straight to a standalone bundled mock and through a standalone
 *    proxy in front of it (each its own process), at the median and the 99th percentile;
 *  - memory: the proxy's judge (universal checks, session ledger, client checks) in this process, in front of the
 *    standalone mock, after SESSIONS storefront sessions (login, cart, read, PATCH, read, attribute POST, read,
 *    attribute DELETE), measured with gc before and after, and again after the idle sessions expired.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMockGroup, killGroup } from '../scripts/staging-check.js';
import { startProxyServer } from '../proxy/server.js';
import { TrafficJudge } from '../proxy/judge.js';
import { SessionLedger } from '../tests/support/ledger.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const TENANT = 'conformance';
const CLIENT = 'sf-conformance-storefront';

function startProxyProcess(target: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/main.ts', '--target', target, '--port', '0', '--json', '--quiet', '--report-dir', `${root}reports/bench-proxy`], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the proxy did not start within 20 s')), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"') && l.endsWith('}'));
      if (line) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, child });
      }
    });
  });
}

/** One storefront session: the calls a shop makes around the session context. Answers each call's duration (ms). */
async function session(base: string, i: number): Promise<number[]> {
  const times: number[] = [];
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const started = process.hrtime.bigint();
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const login = await call('GET', `/customerlogin/auth/anonymous/login?tenant=${TENANT}&client_id=${CLIENT}`);
  const token = login.access_token as string;
  await call('POST', `/cart/${TENANT}/carts`, token, { currency: 'EUR', siteCode: 'main', type: 'shopping' });
  const ctx = await call('GET', `/session-context/${TENANT}/me/context`, token);
  const version = (ctx.metadata as { version: number } | undefined)?.version ?? 1;
  await call('PATCH', `/session-context/${TENANT}/me/context`, token, { currency: 'USD', metadata: { version } });
  await call('GET', `/session-context/${TENANT}/me/context`, token);
  await call('POST', `/session-context/${TENANT}/me/context/attributes`, token, { key: `k${i % 7}`, value: { n: i } });
  await call('GET', `/session-context/${TENANT}/me/context`, token);
  await call('DELETE', `/session-context/${TENANT}/me/context/attributes/k${i % 7}`, token);
  return times;
}

async function drive(base: string, sessions: number, parallel: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < sessions) times.push(...(await session(base, next++)));
    }),
  );
  return times;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export async function proxyBench(opts: { latencySessions?: number; memorySessions?: number } = {}): Promise<string[]> {
  const latencySessions = opts.latencySessions ?? Number(process.env.BENCH_PROXY_LATENCY_SESSIONS ?? 300);
  const memorySessions = opts.memorySessions ?? Number(process.env.BENCH_PROXY_SESSIONS ?? 10_000);
  const gc = (globalThis as { gc?: () => void }).gc;
  const lines: string[] = [];
  const mock = await startMockGroup({ MOCK_DEVIATION: '', MOCK_LATENCY: '', MOCK_RATE_LIMIT: '', MOCK_GATEWAY_ERRORS: '', MOCK_NETWORK_RESETS: '', MOCK_CONTEXT_LAG: '' });
  try {
    // Latency: alternating rounds, so a slower moment of a shared machine hits both sides alike.
    const proxy = await startProxyProcess(mock.url);
    try {
      const direct: number[] = [];
      const through: number[] = [];
      await drive(mock.url, 20, 1);
      await drive(proxy.url, 20, 1);
      for (let round = 0; round < 5; round++) {
        direct.push(...(await drive(mock.url, latencySessions / 5, 1)));
        through.push(...(await drive(proxy.url, latencySessions / 5, 1)));
      }
      direct.sort((a, b) => a - b);
      through.sort((a, b) => a - b);
      const [d50, d99, p50, p99] = [quantile(direct, 0.5), quantile(direct, 0.99), quantile(through, 0.5), quantile(through, 0.99)];
      lines.push(
        `proxy latency (${direct.length} calls each way, sequential, mock and proxy in processes of their own): median ${d50.toFixed(2)} ms direct, ${p50.toFixed(2)} ms through the proxy (+${(p50 - d50).toFixed(2)} ms); p99 ${d99.toFixed(2)} ms direct, ${p99.toFixed(2)} ms through (+${(p99 - d99).toFixed(2)} ms)`,
      );
    } finally {
      await killGroup(proxy.child);
    }

    // Memory: the judge in this process, measured with gc.
    if (!gc) lines.push('proxy memory: not measured (run with node --expose-gc, as npm run bench does)');
    else {
      const ledger = new SessionLedger({ specVersion: '2026-04', propagationMs: 5000 });
      const judge = new TrafficJudge({ specVersion: '2026-04', ledger });
      const server = await startProxyServer({ target: mock.url, port: 0, host: '127.0.0.1', maxBodyBytes: 1024 * 1024, onBegin: (x) => judge.begin(x), onExchange: (x) => judge.observe(x) });
      try {
        await drive(server.url, 50, 4);
        judge.expire(0);
        gc();
        gc();
        const before = process.memoryUsage().heapUsed;
        const started = Date.now();
        await drive(server.url, memorySessions, 8);
        const seconds = (Date.now() - started) / 1000;
        gc();
        gc();
        const after = process.memoryUsage().heapUsed;
        const tracked = judge.sessions;
        judge.expire(0);
        gc();
        gc();
        const expired = process.memoryUsage().heapUsed;
        const apiFindings = judge.apiRequirements();
        lines.push(
          `proxy memory: ${memorySessions} sessions (${judge.exchanges} exchanges in ${seconds.toFixed(0)} s, ${tracked} sessions tracked): heap +${((after - before) / 1048576).toFixed(1)} MiB ` +
            `(${((after - before) / Math.max(tracked, 1) / 1024).toFixed(2)} KiB per tracked session); after the idle sessions expired +${((expired - before) / 1048576).toFixed(1)} MiB; ` +
            `API findings on this faithful traffic: ${apiFindings.join(', ') || 'none'}`,
        );
      } finally {
        await server.close();
      }
    }
  } finally {
    await killGroup(mock.child);
  }
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await proxyBench()) console.log(line);
}
