/**
 * `npx tsx scripts/proxy-check.ts [--deviations a,b] [--grep RE] [--skip-faithful] [--skip-fuzz]`: the conformance
 * proxy (proxy/, docs/proxy.md) judged on traffic nobody wrote for it: the suite's own live-mode run, sent through the
 * proxy to a standalone mock that issues recognisable tokens (scripts/staging-check.ts's stand-in), and the fuzz
 * test's seeded malformed traffic (PROXY_FUZZ_REQUESTS, default 4000) through an in-process proxy.
 *  - faithful mock: no API finding, verdict exit 0 (the client findings are counted, not judged: the suite sends
 *    wrong requests on purpose);
 *  - each deviation given (default: version-not-raised, whitelisted-field-dropped, lost-update,
 *    protected-field-applied), with the tests tagged with its requirements: an API finding names one of them;
 *  - every run: conformance.json valid against schemas/conformance-report.schema.json with source "traffic", no
 *    token, client secret or password in anything the proxy wrote or printed (scripts/lib/scan.ts), and no process
 *    of the proxy's or the mock's group left.
 * Exits non-zero when one of these fails. scripts/proxy-deviations.ts runs the same over the whole catalogue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEVIATIONS } from '../mock/domain/deviations.js';
import { formatErrors, validatorFor } from '../tests/support/ajv.js';
import type { ConformanceReport } from '../reporter/model.js';
import { scan } from './lib/scan.js';
import { killGroup, liveEnv, seedCredentials, startMockGroup } from './staging-check.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const CANARY = 'LEAKCANARY';

export interface ProxyRunOptions {
  label: string;
  deviation?: string;
  /** Playwright --grep; default the whole conformance suite. */
  grep?: string;
  workers?: number;
  /** Playwright --max-failures (a deviation run may stop early: the proxy has seen the traffic up to there). */
  maxFailures?: number;
  quiet?: boolean;
}

export interface ProxyRunResult {
  label: string;
  /** Requirements the proxy's API findings name. */
  apiRequirements: string[];
  /** Requirements the suite's own report says deviate, in the same run. */
  suiteDeviations: string[];
  clientFindings: Record<string, number>;
  exchanges: number;
  exitCode: number;
  schemaErrors: string;
  leaks: number;
  leftoverProcesses: number;
  seconds: number;
}

/** Starts proxy/main.ts in a process group of its own; answers its URL and a promise of its exit and output. */
function startProxyGroup(target: string, reportDir: string, specVersion: string): Promise<{ url: string; child: ChildProcess; done: Promise<{ code: number; output: string }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/main.ts', '--target', target, '--port', '0', '--json', '--report-dir', reportDir, '--propagation-ms', '2000', '--spec-version', specVersion], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const done = new Promise<{ code: number; output: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output })));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the proxy did not start within 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const before = output;
      output += chunk.toString();
      if (before.includes('{"url"')) return;
      const line = output.split('\n').find((l) => l.startsWith('{"url"'));
      if (line && line.endsWith('}')) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, child, done });
      }
    });
    void done.then(({ code }) => reject(new Error(`the proxy exited with ${code} before it listened:\n${output}`)));
  });
}

function runSuite(label: string, url: string, o: ProxyRunOptions, specVersion: string): Promise<number> {
  const args = ['test', '--project=conformance', `--workers=${o.workers ?? 2}`, ...(o.grep ? ['--grep', o.grep] : []), ...(o.maxFailures ? [`--max-failures=${o.maxFailures}`] : [])];
  const child = spawn(`${root}node_modules/.bin/playwright`, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'ignore'],
    env: {
      ...process.env,
      ...liveEnv(url, specVersion),
      REPORT_LABEL: label,
      CONFORMANCE_CONSOLE: 'none',
      CONFORMANCE_REPORTS: 'json',
      CONFORMANCE_BASELINE: '',
      CONFORMANCE_PROPAGATION_MS: '2000',
      GENERATIVE_QUIET: '1',
      PROPERTY_RUNS: process.env.PROPERTY_RUNS || '25',
      MODEL_RUNS: process.env.MODEL_RUNS || '30',
    },
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

/** The suite's live-mode run through the proxy in front of a standalone mock (optionally deviating). */
export async function proxyRun(o: ProxyRunOptions): Promise<ProxyRunResult> {
  const started = Date.now();
  const reportDir = `${root}reports/${o.label}`;
  const proxyDir = `${reportDir}/proxy`;
  rmSync(reportDir, { recursive: true, force: true });
  rmSync(`${root}test-results/${o.label}`, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const deviation = o.deviation ? DEVIATIONS.find((d) => d.name === o.deviation) : undefined;
  if (o.deviation && !deviation) throw new Error(`unknown deviation ${o.deviation}`);
  const pinned = (deviation as { settings?: Record<string, string> } | undefined)?.settings ?? {};
  const mock = await startMockGroup({
    MOCK_TOKEN_PREFIX: CANARY,
    MOCK_DEVIATION: o.deviation ?? '',
    MOCK_CONTEXT_CREATION: pinned.contextCreation ?? '',
    MOCK_STALE_VERSION_STATUS: pinned.staleVersionStatus ? String(pinned.staleVersionStatus) : '',
    SPEC_VERSION: pinned.specVersion ?? '2026-04',
  });
  let proxy: Awaited<ReturnType<typeof startProxyGroup>> | undefined;
  let exitCode: number;
  let output: string;
  let leftoverProcesses = 0;
  try {
    proxy = await startProxyGroup(mock.url, proxyDir, pinned.specVersion ?? '2026-04');
    await runSuite(o.label, proxy.url, o, pinned.specVersion ?? '2026-04');
    process.kill(-proxy.child.pid!, 'SIGTERM');
    ({ code: exitCode, output } = await Promise.race([proxy.done, new Promise<{ code: number; output: string }>((r) => setTimeout(() => r({ code: -1, output: 'the proxy did not exit within 20 s of SIGTERM' }), 20_000))]));
  } finally {
    if (proxy) leftoverProcesses += await killGroup(proxy.child);
    leftoverProcesses += await killGroup(mock.child);
  }
  writeFileSync(`${reportDir}/proxy-console.txt`, output);

  let report: ConformanceReport | undefined;
  let schemaErrors = '';
  if (existsSync(`${proxyDir}/conformance.json`)) {
    report = JSON.parse(readFileSync(`${proxyDir}/conformance.json`, 'utf8')) as ConformanceReport;
    const validate = validatorFor('conformance-report.schema.json');
    if (!validate(report)) schemaErrors = formatErrors(validate.errors);
    else if (report.source !== 'traffic') schemaErrors = 'source is not "traffic"';
  } else schemaErrors = 'no conformance.json written';
  const { tenant } = seedCredentials();
  const needles = [CANARY, ...tenant.serviceClients.map((c: { clientSecret: string }) => c.clientSecret), ...tenant.customers.map((c: { password: string }) => c.password)];
  const { leaks } = scan([proxyDir], needles, { 'proxy console': output });
  for (const l of leaks.slice(0, 10)) console.log(`  LEAK ${l.where}: …${l.context}…`);

  let suiteDeviations: string[] = [];
  try {
    const suite = JSON.parse(readFileSync(`${reportDir}/conformance.json`, 'utf8')) as ConformanceReport;
    suiteDeviations = suite.requirements.filter((r) => r.verdict === 'deviate').map((r) => r.id);
  } catch {
    // the suite wrote no report: its verdicts are not compared
  }
  const apiRequirements = report ? report.requirements.filter((r) => r.verdict === 'deviate').map((r) => r.id) : [];
  return {
    label: o.label,
    apiRequirements,
    suiteDeviations,
    clientFindings: Object.fromEntries((report?.client?.findings ?? []).map((f) => [f.kind, f.count])),
    exchanges: report?.traffic?.exchanges ?? 0,
    exitCode,
    schemaErrors,
    leaks: leaks.length,
    leftoverProcesses,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * The fuzz test's own seeded traffic (tests/self/fuzz.spec.ts, unchanged) through the proxy: a module hook
 * (scripts/proxy-fuzz/) hands that spec a mock whose `inject` goes over HTTP through an in-process proxy, which
 * writes one report per mock the test creates. Answers the requirements its API findings name, over all reports.
 */
export async function fuzzThroughProxy(label: string, requests: number, deviation = ''): Promise<{ apiRequirements: string[]; exchanges: number; reports: number; schemaErrors: string; leaks: number; testExit: number }> {
  const dir = `${root}reports/${label}/proxy`;
  rmSync(`${root}reports/${label}`, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const child = spawn(`${root}node_modules/.bin/playwright`, ['test', '--project=self', 'tests/self/fuzz.spec.ts', '--workers=1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${root}scripts/proxy-fuzz/register.mjs`.trim(),
      PROXY_FUZZ_REPORT_DIR: dir,
      FUZZ_REQUESTS: String(requests),
      FUZZ_DEVIATION: deviation,
      REPORT_LABEL: label,
      CONFORMANCE_CONSOLE: 'none',
    },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const testExit = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const validate = validatorFor('conformance-report.schema.json');
  const ids = new Set<string>();
  let exchanges = 0;
  let reports = 0;
  let schemaErrors = '';
  for (const name of readdirSync(dir)) {
    const report = JSON.parse(readFileSync(`${dir}/${name}/conformance.json`, 'utf8')) as ConformanceReport;
    reports++;
    if (!validate(report)) schemaErrors = formatErrors(validate.errors);
    exchanges += report.traffic?.exchanges ?? 0;
    for (const r of report.requirements) if (r.verdict === 'deviate') ids.add(r.id);
  }
  // The fuzz test's tokens are the mock's own (no canary); its secrets and passwords are the seed's.
  const { tenant } = seedCredentials();
  const needles = [...tenant.serviceClients.map((c: { clientSecret: string }) => c.clientSecret), ...tenant.customers.map((c: { password: string }) => c.password)];
  const { leaks } = scan([dir], needles);
  if (!reports) schemaErrors = `no report written; the fuzz run said:\n${output.slice(-2000)}`;
  return { apiRequirements: [...ids].sort(), exchanges, reports, schemaErrors, leaks: leaks.length, testExit };
}

/** The tests of a deviation's requirements, as the deviation matrix selects them. */
export function grepFor(violates: readonly string[]): string {
  return `(${violates.map((id) => `@${id}`).join('|')})(?![0-9])`;
}

export function describeRun(r: ProxyRunResult): string {
  const client = Object.entries(r.clientFindings).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return `${r.label}: ${r.exchanges} exchanges; proxy API findings: ${r.apiRequirements.join(', ') || 'none'}; suite deviations: ${r.suiteDeviations.join(', ') || 'none'}; proxy exit ${r.exitCode}; client findings: ${client}; ${r.leaks} leaks; ${r.leftoverProcesses} leftover processes; ${r.seconds.toFixed(0)} s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      deviations: { type: 'string', default: 'version-not-raised,whitelisted-field-dropped,lost-update,protected-field-applied' },
      grep: { type: 'string' },
      'skip-faithful': { type: 'boolean', default: false },
      'skip-fuzz': { type: 'boolean', default: false },
    },
  });
  const problems: string[] = [];
  const common = (r: ProxyRunResult) => {
    if (r.schemaErrors) problems.push(`${r.label}: conformance.json: ${r.schemaErrors}`);
    if (r.leaks) problems.push(`${r.label}: ${r.leaks} secrets in the proxy's output`);
    if (r.leftoverProcesses) problems.push(`${r.label}: ${r.leftoverProcesses} processes left`);
    if (!r.exchanges) problems.push(`${r.label}: no exchange passed through the proxy`);
  };
  if (!values['skip-faithful']) {
    const r = await proxyRun({ label: 'proxy-faithful', grep: values.grep });
    console.log(describeRun(r));
    common(r);
    if (r.apiRequirements.length) problems.push(`proxy-faithful: API findings against the faithful mock: ${r.apiRequirements.join(', ')} (reports/proxy-faithful/proxy/conformance.md)`);
    if (r.exitCode !== 0) problems.push(`proxy-faithful: the proxy exited ${r.exitCode}, want 0`);
  }
  if (!values['skip-fuzz']) {
    // The fuzz test's own traffic: nothing against the faithful mock; a deviation that breaks every GET's schema is seen.
    const requests = Number(process.env.PROXY_FUZZ_REQUESTS ?? 4000);
    for (const [deviation, want] of [['', []], ['version-as-string', ['SC-HTTP-03']]] as const) {
      const label = `proxy-fuzz${deviation ? `-${deviation}` : ''}`;
      const f = await fuzzThroughProxy(label, requests, deviation);
      console.log(`${label}: the fuzz test's ${requests} requests, ${f.exchanges} exchanges through the proxy in ${f.reports} reports; fuzz test exit ${f.testExit}; proxy API findings: ${f.apiRequirements.join(', ') || 'none'}; ${f.leaks} leaks`);
      if (f.schemaErrors) problems.push(`${label}: ${f.schemaErrors}`);
      if (f.leaks) problems.push(`${label}: ${f.leaks} secrets in the proxy's reports`);
      if (f.testExit !== 0) problems.push(`${label}: the fuzz test itself failed through the proxy (exit ${f.testExit})`);
      if (!want.length && f.apiRequirements.length) problems.push(`${label}: API findings on the fuzz traffic against the faithful mock: ${f.apiRequirements.join(', ')}`);
      for (const id of want) if (!f.apiRequirements.includes(id)) problems.push(`${label}: no finding names ${id} (found: ${f.apiRequirements.join(', ') || 'none'})`);
    }
  }
  for (const name of values.deviations!.split(',').map((s) => s.trim()).filter(Boolean)) {
    const d = DEVIATIONS.find((x) => x.name === name);
    if (!d) throw new Error(`unknown deviation ${name}`);
    const r = await proxyRun({ label: `proxy-${name}`, deviation: name, grep: values.grep ?? grepFor(d.violates) });
    console.log(describeRun(r));
    common(r);
    const named = r.apiRequirements.filter((id) => d.violates.includes(id));
    if (!named.length) problems.push(`proxy-${name}: no API finding names ${d.violates.join(', ')} (found: ${r.apiRequirements.join(', ') || 'none'})`);
  }
  for (const p of problems) console.log(`  NOT OK ${p}`);
  console.log(problems.length ? `proxy check: ${problems.length} problems` : 'proxy check: ok');
  process.exit(problems.length ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
