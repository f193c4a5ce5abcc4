/**
 * The package's command line (bin/conformance.mjs loads it with tsx): `run`, `mock`, `requirements`.
 *
 * `run` starts Playwright on this package's own config. Playwright transpiles TypeScript only outside
 * node_modules, so an installed copy first copies the suite (a few hundred kB) to a temporary folder whose
 * node_modules links to the package's dependencies, and removes it afterwards. Reports go to the user's folder.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse, resolveRun, UsageError } from './settings.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
const COMMAND = PKG.name;

const HELP = `${COMMAND} ${PKG.version}: conformance suite for the Emporix Session Context Service

Usage: ${COMMAND} run [options] [-- playwright-args]
       ${COMMAND} mock [--port N] [mock options]
       ${COMMAND} proxy --target URL [--port N] [--report-dir D] [--json]
       ${COMMAND} requirements [--json]

run: exit 0 conformant, 1 deviations, 2 configuration error or unusable target.
Each option is also read from the environment and ./.env (flag > environment > .env).
  --url U                     EMPORIX_API_URL; without it the run uses the bundled mock
  --tenant T                  EMPORIX_TENANT (needed with --url)
  --storefront-client-id ID   EMPORIX_STOREFRONT_CLIENT_ID (needed with --url)
  --client-id ID              EMPORIX_CLIENT_ID, with --client-secret: management tests
  --client-secret S           EMPORIX_CLIENT_SECRET (flags show in ps: prefer the environment)
  --customer-email E          EMPORIX_CUSTOMER_EMAIL, with --customer-password: customer tests
  --customer-password P       EMPORIX_CUSTOMER_PASSWORD
  --spec-version V            SPEC_VERSION: 2026-04 (default) or 2022-11
  --expected-failures FILE    CONFORMANCE_BASELINE: known deviations (docs/reports.md, "Expected failures")
  --report-dir D              CONFORMANCE_REPORT_DIR, default ./conformance-report
  --grep RE                   only tests whose title matches, e.g. "@SC-VERSION-09"
  -- ARGS                     passed to \`playwright test\`, e.g. -- --workers=4 --shard=1/2
Bundled mock: MOCK_* (docs/mock.md). Reports in D: conformance.json and .md, junit.xml, html/, reproducers/*.sh.
mock: the bundled mock on --port N (default 4010; 0 picks one); \`mock --help\` lists its settings (docs/mock.md).
proxy: judges the API and the client on the traffic through it; \`proxy --help\` lists its options (docs/proxy.md).`;

/** Where a dependency of this package is installed: Node's lookup, from the package folder upwards. */
function dependencyDir(name: string): string {
  for (let dir = ROOT; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new UsageError(`dependency ${name} of ${COMMAND} is not installed; reinstall the package`);
  }
}

/** A folder Playwright will transpile: the repository itself, or a copy of the installed package outside node_modules. */
function suiteFolder(): { dir: string; cleanup: () => void } {
  if (!ROOT.includes(`${path.sep}node_modules${path.sep}`)) return { dir: ROOT, cleanup: () => undefined };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sc-conformance-'));
  for (const entry of ['playwright.config.ts', 'tsconfig.json', 'package.json', 'reporter', 'mock', 'tests', 'fixtures', 'schemas']) {
    if (existsSync(path.join(ROOT, entry))) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  for (const name of Object.keys(PKG.dependencies ?? {})) {
    const link = path.join(dir, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(dependencyDir(name), link, 'junction');
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function validateSettings(env: Record<string, string>): Promise<void> {
  const { settingsFrom, SettingsError } = await import('../mock/settings.js');
  try {
    settingsFrom({}, env);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(`bundled mock: ${e.message}`);
    throw e;
  }
  if (env.CONFORMANCE_BASELINE) {
    const { loadBaseline, BaselineError } = await import('../tests/support/baseline.js');
    try {
      loadBaseline(env.CONFORMANCE_BASELINE);
    } catch (e) {
      if (e instanceof BaselineError) throw new UsageError(`--expected-failures ${e.message}`);
      throw e;
    }
  }
}

async function run(argv: string[]): Promise<number> {
  const settings = resolveRun(argv, process.env, process.cwd());
  await validateSettings(settings.env);
  const json = path.join(settings.reportDir, 'conformance.json');
  rmSync(json, { force: true });
  const suite = suiteFolder();
  const cli = createRequire(path.join(ROOT, 'package.json')).resolve('@playwright/test/cli');
  const target = settings.live ? `${settings.env.EMPORIX_API_URL}, tenant ${settings.env.EMPORIX_TENANT}` : 'the bundled mock';
  console.log(`${COMMAND} ${PKG.version}: ${target}, spec ${settings.env.SPEC_VERSION}; reports in ${path.relative(process.cwd(), settings.reportDir) || '.'}`);
  const child = spawn(process.execPath, [cli, 'test', '--config', path.join(suite.dir, 'playwright.config.ts'), '--project=conformance', ...settings.playwrightArgs], {
    cwd: process.cwd(),
    stdio: 'inherit',
    env: { ...settings.env, CONFORMANCE_CONSOLE: settings.env.CONFORMANCE_CONSOLE || 'dot', REPORT_LABEL: settings.env.REPORT_LABEL || 'conformance' },
  });
  // Ctrl-C reaches Playwright from the terminal itself (a second SIGINT would make it skip its reports): only wait.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 2 : 1))));
  suite.cleanup();
  if (!existsSync(json)) {
    if (code === 0) return 0;
    console.error(`${COMMAND}: Playwright exited with ${code} and wrote no ${path.relative(process.cwd(), json)}: configuration error (see above)`);
    return 2;
  }
  const report = JSON.parse(readFileSync(json, 'utf8')) as { verdict: { exitCode: number } };
  return report.verdict.exitCode;
}

async function mock(argv: string[]): Promise<number> {
  // mock/cli.ts parses its own options (strictly), and keeps the process alive until SIGINT, SIGTERM or SIGHUP.
  process.argv = [process.argv[0], path.join(ROOT, 'mock/cli.ts'), ...argv];
  await import('../mock/cli.js');
  return -1;
}

function requirements(argv: string[]): number {
  const values = parse(argv, { json: { type: 'boolean' } });
  const data = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/requirements.json'), 'utf8')) as {
    requirements: { id: string; level: string; operation: string; statement: string; exclusion?: string }[];
  };
  if (values.json) {
    console.log(JSON.stringify(data.requirements, null, 2));
    return 0;
  }
  const width = Math.max(process.stdout.columns ?? 160, 100);
  const idWidth = Math.max(...data.requirements.map((r) => r.id.length));
  const opWidth = Math.max(...data.requirements.map((r) => r.operation.length));
  console.log(`${'ID'.padEnd(idWidth)}  LEVEL     ${'OPERATION'.padEnd(opWidth)}  STATEMENT`);
  for (const r of data.requirements) {
    const head = `${r.id.padEnd(idWidth)}  ${(r.exclusion ? `${r.level}*` : r.level).padEnd(8)}  ${r.operation.padEnd(opWidth)}  `;
    const room = Math.max(width - head.length, 30);
    console.log(`${head}${r.statement.length > room ? `${r.statement.slice(0, room - 1)}…` : r.statement}`);
  }
  const excluded = data.requirements.filter((r) => r.exclusion).length;
  console.log(`\n${data.requirements.length} requirements, ${excluded} excluded (*: not verified; --json gives the reasons)`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `mock --help` is the mock's own help.
  if (command === 'mock') return mock(rest);
  if (command === 'proxy') return (await import('../proxy/cli.js')).runProxy(rest);
  if (!command || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP);
    return command && !['--help', '-h', 'help'].includes(command) && !['run', 'mock', 'proxy', 'requirements'].includes(command) ? 2 : 0;
  }
  if (command === '--version') {
    console.log(PKG.version);
    return 0;
  }
  if (command === 'run') return run(rest);
  if (command === 'requirements') return requirements(rest);
  throw new UsageError(`unknown command "${command}": use run, mock, proxy or requirements`);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`${COMMAND}: ${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? ` (see ${COMMAND} --help)` : ''}`);
    process.exitCode = 2;
  },
);
