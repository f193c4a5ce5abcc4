/**
 * `npx tsx scripts/staging-check.ts [--label L] [--latency MS] [--rate-limit SHARE] [--gateway-errors SHARE]
 *   [--network-resets SHARE] [--context-lag MS] [--context-creation cart|login] [--deviation NAME] [--expect-failures] [--grep RE] [--workers N]`
 *
 * What a staging run promises, proven against a stand-in: a standalone mock (its own process group) issuing
 * recognisable tokens, with the given real-world conditions; the whole suite with TARGET=live against it. Then:
 *  - leaks: every file the run wrote (reports/<label>, test-results/<label>, the HTML report's embedded archive,
 *    attachments in base64) and the console are scanned for the tokens, the client secret and the password;
 *  - residue: the mock's residue report must show nothing beyond the anonymous sessions themselves;
 *  - verdicts: no failure on a faithful mock (a transient answer may only make a test inconclusive);
 *  - processes: the mock's process group is gone afterwards.
 * Prints one line of figures and exits non-zero on any leak, residue or false failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scan } from './lib/scan.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const CANARY = 'LEAKCANARY';

export interface StagingOptions {
  label: string;
  conditions: Record<string, string>;
  deviation?: string;
  expectFailures?: boolean;
  grep?: string;
  /** Playwright workers; a live target is I/O-bound, so more than the config's 2 shortens waits on latency. */
  workers?: number;
}

export interface StagingResult {
  label: string;
  passed: number;
  failed: number;
  inconclusive: number;
  skipped: number;
  seconds: number;
  requestsPerTest: number;
  leaks: number;
  residue: string[];
  leftoverProcesses: number;
  ok: boolean;
}

/** Starts `mock/cli.ts` in a process group of its own and answers its URL. */
export function startMockGroup(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', '--port', '0', '--json'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the standalone mock did not start within 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, child });
      }
    });
    child.on('exit', (code) => reject(new Error(`the standalone mock exited with ${code}`)));
  });
}

/** Kills a whole process group (not just its leader) and answers how many of its processes were still alive. */
export async function killGroup(child: ChildProcess): Promise<number> {
  const pgid = child.pid!;
  const alive = () => spawnSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return 0;
  }
  for (let i = 0; i < 30 && alive() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  if (alive() > 0) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return alive();
}

interface ReportTest {
  status: string;
  annotations: { type: string; description?: string }[];
}

function testsOf(report: { suites?: unknown[] }): ReportTest[] {
  const out: ReportTest[] = [];
  const walk = (s: { suites?: unknown[]; specs?: { tests: { status: string; annotations?: ReportTest['annotations']; results: { annotations?: ReportTest['annotations'] }[] }[] }[] }) => {
    for (const child of s.suites ?? []) walk(child as never);
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) out.push({ status: t.status, annotations: [...(t.annotations ?? []), ...t.results.flatMap((r) => r.annotations ?? [])] });
    }
  };
  walk(report as never);
  return out;
}

/** The seed's first tenant and the credentials a live-mode run against a standalone mock logs in with. */
export function seedCredentials() {
  const seed = JSON.parse(readFileSync(`${root}fixtures/mock-seed.json`, 'utf8'));
  const tenant = seed.tenants[0];
  return {
    tenant,
    service: tenant.serviceClients.find((c: { scopes: string[] }) => c.scopes.includes('sessioncontext.context_manage')),
    limited: tenant.serviceClients.find((c: { scopes: string[] }) => !c.scopes.includes('sessioncontext.context_manage')),
    customer: tenant.customers.find((c: { email: string }) => c.email.startsWith('test.customer')),
  };
}

/** The .env a TARGET=live run needs to reach `url` as the seed's tenant. */
export function liveEnv(url: string, specVersion: string): Record<string, string> {
  const { tenant, service, limited, customer } = seedCredentials();
  return {
    TARGET: 'live',
    EMPORIX_API_URL: url,
    EMPORIX_TENANT: tenant.name,
    EMPORIX_STOREFRONT_CLIENT_ID: tenant.storefrontClientIds[0],
    EMPORIX_CLIENT_ID: service.clientId,
    EMPORIX_CLIENT_SECRET: service.clientSecret,
    EMPORIX_LIMITED_CLIENT_ID: limited?.clientId ?? '',
    EMPORIX_LIMITED_CLIENT_SECRET: limited?.clientSecret ?? '',
    EMPORIX_CUSTOMER_EMAIL: customer.email,
    EMPORIX_CUSTOMER_PASSWORD: customer.password,
    SPEC_VERSION: specVersion,
  };
}

export async function stagingCheck(o: StagingOptions): Promise<StagingResult> {
  const { tenant } = seedCredentials();
  const reportDir = `${root}reports/${o.label}`;
  const outputDir = `${root}test-results/${o.label}`;
  rmSync(reportDir, { recursive: true, force: true });
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });

  const mockEnv: Record<string, string> = {
    MOCK_RESIDUE: '1',
    MOCK_TOKEN_PREFIX: CANARY,
    MOCK_DEVIATION: o.deviation ?? '',
    MOCK_CONTEXT_CREATION: '',
    MOCK_STALE_VERSION_STATUS: '',
    SPEC_VERSION: '2026-04',
    ...o.conditions,
  };
  const { url, child } = await startMockGroup(mockEnv);
  const started = Date.now();
  const args = ['playwright', 'test', '--project=conformance', ...(o.grep ? ['--grep', o.grep] : []), ...(o.workers ? [`--workers=${o.workers}`] : [])];
  const run = spawnSync('npx', args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      ...liveEnv(url, '2026-04'),
      REPORT_LABEL: o.label,
      CONFORMANCE_CONSOLE: 'list',
      CONFORMANCE_BASELINE: '',
      // A context may stay invisible for the mock's lag; the bound must cover it, and only delays a verdict.
      CONFORMANCE_PROPAGATION_MS: String(Math.max(2000, Number(o.conditions.MOCK_CONTEXT_LAG ?? 0) * 4)),
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const consoleText = `${run.stdout}\n${run.stderr}`;
  writeFileSync(`${reportDir}/console.txt`, consoleText);

  let residue: string[];
  try {
    const res = await fetch(`${url}/__mock/residue`);
    const r = (await res.json()) as { attributes: { sessionId: string; names: string[] }[]; contextsWithoutSession: string[]; carts: string[]; customerTokens: number };
    residue = [
      ...r.attributes.map((a) => `attributes ${a.names.join(', ')} on session ${a.sessionId}`),
      ...r.contextsWithoutSession.map((s) => `a context for session ${s}, which the suite did not make`),
      ...r.carts.map((c) => `cart ${c}`),
      ...(r.customerTokens ? [`${r.customerTokens} customer session(s) not logged out`] : []),
    ];
  } catch (e) {
    residue = [`the residue report could not be read: ${(e as Error).message}`];
  }
  const leftoverProcesses = await killGroup(child);

  const needles = [CANARY, ...tenant.serviceClients.map((c: { clientSecret: string }) => c.clientSecret), ...tenant.customers.map((c: { password: string }) => c.password)];
  const { files, leaks } = scan([reportDir, outputDir], needles, { console: consoleText });

  let tests: ReportTest[] = [];
  try {
    tests = testsOf(JSON.parse(readFileSync(`${reportDir}/results.json`, 'utf8')));
  } catch {
    // no report: counted as a failure below
  }
  const inconclusive = tests.filter((t) => t.annotations.some((a) => a.type === 'inconclusive')).length;
  const passed = tests.filter((t) => t.status === 'expected').length;
  const failed = tests.filter((t) => t.status === 'unexpected' || t.status === 'flaky').length;
  const skipped = tests.filter((t) => t.status === 'skipped').length - inconclusive;
  const requests = tests.flatMap((t) => t.annotations.filter((a) => a.type === 'http-requests').map((a) => Number(a.description)));
  const requestsPerTest = requests.length ? requests.reduce((a, b) => a + b, 0) / requests.length : 0;
  // A deviating mock may keep what a faithful one removes (an attribute DELETE that does nothing): residue and
  // failures are only judged on a faithful mock; leaks are judged everywhere.
  const faithful = !o.deviation;
  const ok = leaks.length === 0 && leftoverProcesses === 0 && tests.length > 0 && (!faithful || (residue.length === 0 && failed === 0)) && (!o.expectFailures || failed > 0);

  for (const leak of leaks.slice(0, 20)) console.log(`  LEAK ${leak.where}: …${leak.context}…`);
  for (const r of residue.slice(0, 20)) console.log(`  RESIDUE ${r}`);
  if (faithful && failed) console.log(run.stdout.split('\n').filter((l) => /✘|failed/.test(l)).slice(0, 20).join('\n'));
  console.log(
    `${o.label}: ${passed} passed, ${failed} failed, ${inconclusive} inconclusive, ${skipped} skipped; ${seconds.toFixed(1)} s; ` +
      `${requestsPerTest.toFixed(1)} HTTP calls per test; ${files} files scanned, ${leaks.length} leaks; ${residue.length} residue; ` +
      `${leftoverProcesses} leftover processes${ok ? '' : '  <- NOT OK'}`,
  );
  return { label: o.label, passed, failed, inconclusive, skipped, seconds, requestsPerTest, leaks: leaks.length, residue, leftoverProcesses, ok };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      label: { type: 'string', default: 'staging-check' },
      latency: { type: 'string' },
      'rate-limit': { type: 'string' },
      'gateway-errors': { type: 'string' },
      'network-resets': { type: 'string' },
      'context-lag': { type: 'string' },
      'context-creation': { type: 'string' },
      'random-seed': { type: 'string' },
      deviation: { type: 'string' },
      'expect-failures': { type: 'boolean', default: false },
      grep: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const conditions: Record<string, string> = {};
  const names: [keyof typeof values, string][] = [
    ['latency', 'MOCK_LATENCY'],
    ['rate-limit', 'MOCK_RATE_LIMIT'],
    ['gateway-errors', 'MOCK_GATEWAY_ERRORS'],
    ['network-resets', 'MOCK_NETWORK_RESETS'],
    ['context-lag', 'MOCK_CONTEXT_LAG'],
    ['context-creation', 'MOCK_CONTEXT_CREATION'],
    ['random-seed', 'MOCK_RANDOM_SEED'],
  ];
  for (const [flag, env] of names) if (typeof values[flag] === 'string') conditions[env] = values[flag] as string;
  const result = await stagingCheck({ label: values.label!, conditions, deviation: values.deviation, expectFailures: values['expect-failures'], grep: values.grep, workers: values.workers ? Number(values.workers) : undefined });
  process.exit(result.ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
