/**
 * `npm run pack-check`: the package works from an installed copy, never from this repository.
 *
 * Packs the project, installs the tarball into an empty temporary folder (from the npm cache where it can), and runs
 * the installed command: --help; `run` against its bundled mock (exit 0, reports present, conformance.json valid
 * against the installed schema); a deviating mock (exit 1, the requirement named, a reproducer); a baseline that
 * lists that deviation (exit 0) and the same baseline on a faithful mock (exit 1, stale); configuration errors and
 * an unreachable target (exit 2); and `run --url` with every credential flag against the package's own
 * `mock --port 0` as a live target (the tests that use each credential; PACK_CHECK_FULL=1: the whole suite).
 * Every child runs in its own process group, killed afterwards; the temporary folder is removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const root = fileURLToPath(new URL('../', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
const started = Date.now();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sc-pack-check-'));
const groups = new Set<number>();
let failures = 0;

interface Ran {
  code: number | null;
  out: string;
  seconds: number;
}

/** Our variables stay out of the children: each check sets exactly what it means to test. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(EMPORIX_|MOCK_|CONFORMANCE_|PROPERTY_|GITHUB_STEP_SUMMARY$|TARGET$|SPEC_VERSION$|REPORT_LABEL$|PLAYWRIGHT_|PW_|TEST_)/.test(k)),
  );
  return { ...env, ...extra };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function exec(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) groups.add(child.pid);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Whatever the command left behind in its group goes with it.
      killGroup(child.pid, 'SIGKILL');
      if (child.pid) groups.delete(child.pid);
      resolve({ code, out, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

function check(ok: boolean, what: string, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) {
    failures++;
    if (detail) console.log(detail.split('\n').slice(-40).map((l) => `     | ${l}`).join('\n'));
  }
}

const app = path.join(tmp, 'app');
// The one test of SC-VERSION-09 alone (the model tests name it too, among many others).
const ONLY_LOCKING = 'of 10 concurrent PATCHes';
const bin = path.join(app, 'node_modules', '.bin', pkg.name);
const installed = path.join(app, 'node_modules', pkg.name);

const schema = () => JSON.parse(readFileSync(path.join(installed, 'schemas', 'conformance-report.schema.json'), 'utf8'));
let validator: ReturnType<Ajv['compile']> | undefined;

interface Report {
  verdict: { status: string; exitCode: number; text: string };
  requirements: { id: string; verdict: string; tests: { reproducer?: string }[] }[];
  totals: { tests: { total: number; ran: number } };
}

function report(dir: string): Report | undefined {
  const file = path.join(app, dir, 'conformance.json');
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, 'utf8')) as Report;
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    validator = ajv.compile(schema());
  }
  check(validator(data) === true, `${dir}/conformance.json matches schemas/conformance-report.schema.json`, JSON.stringify(validator.errors, null, 1));
  return data;
}

async function run(title: string, args: string[], want: number, extraEnv: Record<string, string> = {}): Promise<Ran> {
  const res = await exec(bin, args, { cwd: app, env: cleanEnv(extraEnv) });
  check(res.code === want, `${title}: exit ${res.code} (want ${want}), ${res.seconds.toFixed(1)} s`, res.out);
  return res;
}

/** `mock --port 0 --json` of the installed package, in its own process group; answers its URL. */
function startMock(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(bin, ['mock', '--port', '0', '--json'], { cwd: app, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.pid) groups.add(child.pid);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the installed mock did not start within 30 s')), 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, child });
      }
    });
    child.on('exit', (code) => reject(new Error(`the installed mock exited with ${code}: ${out}`)));
  });
}

async function main(): Promise<void> {
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-check-consumer', private: true, type: 'module' }));

  let t = Date.now();
  const packed = await exec('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: root, env: cleanEnv() });
  check(packed.code === 0, `npm pack (${((Date.now() - t) / 1000).toFixed(1)} s)`, packed.out);
  const info = JSON.parse(packed.out.slice(packed.out.indexOf('['))) as { filename: string; size: number; files: { path: string }[] }[];
  const files = info[0].files.map((f) => f.path);
  for (const must of ['bin/conformance.mjs', 'bin/cli.ts', 'reporter/conformance.ts', 'playwright.config.ts', 'fixtures/requirements.json', 'schemas/conformance-report.schema.json', 'mock/cli.ts']) {
    check(files.includes(must), `the tarball holds ${must}`);
  }
  const stray = files.filter((f) => /^(tests\/self|reports|test-results|scripts|node_modules|\.env$)/.test(f));
  check(stray.length === 0, `the tarball holds no self tests, scripts, reports or .env (${files.length} files, ${(info[0].size / 1024).toFixed(0)} kB)`, stray.join('\n'));

  // Every package the shipped code imports at run time must be a dependency, not a devDependency.
  const imported = new Set<string>();
  for (const f of files.filter((x) => /\.(ts|mjs|js)$/.test(x))) {
    const source = readFileSync(path.join(root, f), 'utf8');
    for (const m of source.matchAll(/^import (?!type )[^;]*?from '([^'.][^']*)'|import\('([^'.][^']*)'\)/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('node:')) continue;
      imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  const undeclared = [...imported].filter((name) => !pkg.dependencies?.[name]);
  check(undeclared.length === 0, `every package the shipped code imports is a dependency (${[...imported].sort().join(', ')})`, undeclared.join('\n'));

  t = Date.now();
  const install = await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(tmp, info[0].filename)], { cwd: app, env: cleanEnv() });
  check(install.code === 0 && existsSync(bin), `npm install of the tarball into an empty folder (${((Date.now() - t) / 1000).toFixed(1)} s)`, install.out);
  if (!existsSync(bin)) return;
  const suiteCopies = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('sc-conformance-')).length;
  const copiesBefore = suiteCopies();

  const help = await run('--help', ['--help'], 0);
  check(help.out.split('\n').length <= 25 && help.out.includes('--expected-failures'), `--help fits a screen (${help.out.trimEnd().split('\n').length} lines)`);
  const reqs = await run('requirements --json', ['requirements', '--json'], 0);
  check((JSON.parse(reqs.out) as unknown[]).length > 50, 'requirements --json lists the catalogue');

  await run('run with an unknown flag', ['run', '--urll', 'x'], 2);
  const bad = await run('run --url without a tenant', ['run', '--url', 'https://example.invalid'], 2);
  check(bad.out.includes('--tenant (EMPORIX_TENANT)'), 'the error names the flag and the variable', bad.out);
  await run('run with a missing baseline file', ['run', '--expected-failures', 'nope.json'], 2);

  // The whole suite against the bundled mock, as `npx <name> run` in another team's CI.
  // The whole suite; the generative tests with a small budget (their full one is spent in npm test's own runs).
  const full = await run('run against the bundled mock', ['run'], 0, { PROPERTY_RUNS: '20', MODEL_RUNS: '10' });
  const r = report('conformance-report');
  check(!!r && r.verdict.status === 'conformant' && r.totals.tests.ran > 100, `bundled mock: verdict "${r?.verdict.text}", ${r?.totals.tests.ran} tests ran`, full.out);
  for (const f of ['conformance.md', 'junit.xml', 'results.json', 'html/index.html']) check(existsSync(path.join(app, 'conformance-report', f)), `conformance-report/${f} written`);
  check(full.out.includes('verdict: conformant'), 'the console ends with the verdict line');

  const lost = await run('run against a deviating mock (lost-update)', ['run', '--grep', ONLY_LOCKING, '--report-dir', 'lost-update'], 1, { MOCK_DEVIATION: 'lost-update' });
  const lr = report('lost-update');
  const req = lr?.requirements.find((x) => x.id === 'SC-VERSION-09');
  check(req?.verdict === 'deviate' && lr?.verdict.status === 'deviations', `lost-update: SC-VERSION-09 ${req?.verdict}, verdict "${lr?.verdict.text}"`, lost.out);
  const repro = req?.tests.find((x) => x.reproducer)?.reproducer;
  check(!!repro && existsSync(path.join(app, 'lost-update', repro)), `lost-update: reproducer ${repro ?? '(none)'} written`);
  check(lost.out.includes('SC-VERSION-09') && lost.out.includes('verdict: 1 MUST deviation'), 'lost-update: the console names the requirement and the verdict');

  writeFileSync(path.join(app, 'baseline.json'), JSON.stringify({ target: 'mock with lost-update', expectedFailures: [{ requirement: 'SC-VERSION-09', reason: 'version check not atomic, ticket X-1' }] }));
  await run('the same deviation listed in a baseline', ['run', '--grep', ONLY_LOCKING, '--expected-failures', 'baseline.json', '--report-dir', 'baseline'], 0, { MOCK_DEVIATION: 'lost-update' });
  check(report('baseline')?.requirements.find((x) => x.id === 'SC-VERSION-09')?.verdict === 'known-deviation', 'baseline: SC-VERSION-09 is a known deviation');
  await run('the baseline on a faithful mock (stale entry)', ['run', '--grep', ONLY_LOCKING, '--expected-failures', 'baseline.json', '--report-dir', 'stale'], 1);
  check(report('stale')?.verdict.status === 'stale-baseline', 'stale: the verdict says the baseline entry is stale');

  const unusable = await run('run against a URL where nothing listens', ['run', '--url', 'http://127.0.0.1:9', '--tenant', 't', '--storefront-client-id', 's', '--report-dir', 'unusable'], 2);
  check(/target unusable/.test(unusable.out), 'unreachable target: the verdict says target unusable', unusable.out);

  // The installed mock as a live target: what a storefront developer or another team's staging job does.
  const seed = JSON.parse(readFileSync(path.join(installed, 'fixtures', 'mock-seed.json'), 'utf8'));
  const tenant = seed.tenants[0];
  const service = tenant.serviceClients.find((c: { scopes: string[] }) => c.scopes.includes('sessioncontext.context_manage'));
  const customer = tenant.customers.find((c: { email: string }) => c.email.startsWith('test.customer')) ?? tenant.customers[0];
  const mock = await startMock();
  try {
    const live = await run(`run --url ${mock.url} (the installed mock as a live target)`, [
      'run', '--url', mock.url, '--tenant', tenant.name, '--storefront-client-id', tenant.storefrontClientIds[0],
      '--client-id', service.clientId, '--client-secret', service.clientSecret,
      '--customer-email', customer.email, '--customer-password', customer.password, '--report-dir', 'live',
      // The tests that need each credential; the whole suite against a standalone mock is `npm test`'s live step.
      ...(process.env.PACK_CHECK_FULL === '1' ? [] : ['--grep', '@SC-MGMT-PUT|@SC-LIFE-0[1-3]|@SC-VERSION-0[1-2]']),
    ], 0);
    const lv = report('live');
    check(lv?.verdict.status === 'conformant', `live: verdict "${lv?.verdict.text}"`, live.out);
  } finally {
    killGroup(mock.child.pid);
    groups.delete(mock.child.pid!);
  }

  check(!existsSync(path.join(installed, 'reports')) && !existsSync(path.join(installed, 'test-results')) && !existsSync(path.join(installed, 'conformance-report')), 'nothing was written into node_modules');
  check(suiteCopies() === copiesBefore, 'no temporary suite copy left behind');
}

function finish(code: number): never {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  console.log(`\npack-check ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (wall time)`);
  process.exit(code);
}

process.on('SIGINT', () => finish(130));
process.on('SIGTERM', () => finish(143));
main().then(
  () => finish(failures ? 1 : 0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    finish(1);
  },
);
