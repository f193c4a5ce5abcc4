/**
 * `npm test`: the project's own checks, in order, stopping at the first failure.
 *   type-check, lint, the self tests, the suite on the bundled mock under each mock setting, the requirement
 *   catalogue and docs/SPECIFICATION.md, the suite with TARGET=live against a standalone `npm run mock`, and the
 *   deviation matrix. Prints one closing line with the totals.
 */
import { spawnSync } from 'node:child_process';
import { stagingCheck, type StagingOptions } from './staging-check.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const totals = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();

function run(title: string, command: string, args: string[], env: Record<string, string> = {}): void {
  console.log(`\n=== ${title}`);
  const res = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.status !== 0) {
    console.error(`\n${title}: failed (exit ${res.status ?? res.signal})`);
    finish(1);
  }
}

function addStats(label: string): void {
  const file = `${root}reports/${label}/results.json`;
  if (!existsSync(file)) return;
  const { stats } = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; skipped: number; flaky: number } };
  totals.passed += stats.expected;
  totals.failed += stats.unexpected + stats.flaky;
  totals.skipped += stats.skipped;
}

function suite(label: string, env: Record<string, string>, project = 'conformance'): void {
  rmSync(`${root}reports/${label}`, { recursive: true, force: true });
  run(`suite: ${label}`, 'npx', ['playwright', 'test', `--project=${project}`], { REPORT_LABEL: label, CONFORMANCE_CONSOLE: 'dot', ...env });
  addStats(label);
}

/**
 * The expected-failures baseline works both ways: a listed failure does not fail the run, and a listed
 * requirement that passes fails it as stale.
 */
function baselineCheck(): void {
  const file = `${root}reports/baseline-check.json`;
  mkdirSync(`${root}reports`, { recursive: true });
  writeFileSync(file, JSON.stringify({ target: 'mock with whitelisted-field-dropped', expectedFailures: [{ requirement: 'SC-PATCH-WHITELIST-02', reason: 'currency PATCH is ignored' }] }));
  const base = { TARGET: 'mock', SPEC_VERSION: '2026-04', CONFORMANCE_BASELINE: file, CONFORMANCE_CONSOLE: 'none', CONFORMANCE_REPORTS: 'json', REPORT_LABEL: 'baseline-check', MOCK_CONTEXT_CREATION: '', MOCK_STALE_VERSION_STATUS: '' };
  const args = ['playwright', 'test', '--project=conformance', '-g', 'PATCH updates'];
  console.log('\n=== expected-failures baseline');
  const known = spawnSync('npx', args, { cwd: root, env: { ...process.env, ...base, MOCK_DEVIATION: 'whitelisted-field-dropped' } });
  const stale = spawnSync('npx', args, { cwd: root, env: { ...process.env, ...base, MOCK_DEVIATION: '' } });
  const ok = known.status === 0 && stale.status !== 0;
  console.log(`listed failure on a deviating mock: exit ${known.status} (want 0); listed requirement passing on the faithful mock: exit ${stale.status} (want non-zero)`);
  if (ok) totals.passed += 2;
  else {
    totals.failed += 1;
    finish(1);
  }
}

function finish(code: number): never {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nnpm test ${code === 0 ? 'passed' : 'FAILED'} in ${seconds}s; reports under reports/`);
  console.log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(code);
}

/**
 * The staging promises, each against a standalone mock in its own process group (scripts/staging-check.ts):
 * a plain live-mode run, one under the combined real-world conditions, and a leak hunt where tests fail on purpose
 * (a deviation) under network faults. Each must end with 0 leaks, 0 residue (faithful mock) and 0 false failures.
 */
async function staging(title: string, options: StagingOptions): Promise<void> {
  console.log(`\n=== ${title}`);
  const r = await stagingCheck(options);
  totals.passed += r.passed;
  totals.skipped += r.skipped + r.inconclusive;
  if (!r.ok) {
    totals.failed += Math.max(1, r.failed);
    finish(1);
  }
}

async function main(): Promise<void> {
  const mockEnv = {
    TARGET: 'mock',
    MOCK_CONTEXT_CREATION: '',
    MOCK_STALE_VERSION_STATUS: '',
    MOCK_DEVIATION: '',
    // The bundled mock reads these too; a caller's conditions must not change npm test's verdicts.
    MOCK_LATENCY: '',
    MOCK_RATE_LIMIT: '',
    MOCK_GATEWAY_ERRORS: '',
    MOCK_NETWORK_RESETS: '',
    MOCK_CONTEXT_LAG: '',
    MOCK_CORS: '',
    MOCK_STRICT_SHAPES: '',
    MOCK_PUT_SAAS_TOKEN: '',
  };
  run('type-check', 'npx', ['tsc', '--noEmit']);
  run('lint', 'npx', ['eslint', '.']);
  suite('self', { ...mockEnv }, 'self');
  suite('default', { ...mockEnv, SPEC_VERSION: '2026-04' });
  // The generative runs get their full budget under the default setting; the other settings check that the model
  // and the properties hold there too, with a smaller one.
  const smaller = { PROPERTY_RUNS: '40', MODEL_RUNS: '30' };
  // The mock creates contexts at anonymous login by default (what clients rely on); the Session Context spec's
  // "created when a cart is created" is the other reading a correct implementation may follow.
  suite('context-at-cart', { ...mockEnv, ...smaller, SPEC_VERSION: '2026-04', MOCK_CONTEXT_CREATION: 'cart' });
  // Also the stricter saas-token answer seen live: a PUT without the header refused on anonymous contexts too (an
  // open point, BEHAVIOUR.md §8), which the suite must take as the target's answer, not as a failure.
  suite('stale-409', { ...mockEnv, ...smaller, SPEC_VERSION: '2026-04', MOCK_STALE_VERSION_STATUS: '409', MOCK_PUT_SAAS_TOKEN: 'always' });
  suite('spec-2022-11', { ...mockEnv, ...smaller, SPEC_VERSION: '2022-11' });
  run('requirement catalogue', 'npx', ['tsx', 'scripts/catalogue.ts', 'check', ...['default', 'context-at-cart', 'stale-409', 'spec-2022-11'].map((l) => `reports/${l}/results.json`)]);
  run('specification up to date', 'npx', ['tsx', 'scripts/catalogue.ts', 'render', '--check']);

  baselineCheck();

  run('an unusable target fails fast and names the cause', 'npx', ['tsx', 'scripts/unusable-check.ts']);
  // The whole suite must pass under the conditions of a shared tenant, in both creation modes the documents allow
  // (BEHAVIOUR.md §3), each set explicitly: a new context that shows late means something else in each mode (at
  // login every session has one that may read 404 at first; at the cart only the carted ones do).
  for (const creation of ['login', 'cart'] as const) {
    await staging(`live mode against a standalone mock creating contexts at ${creation}, under latency 40 ms, rate limit 3 %, gateway errors 3 %, context lag 300 ms`, {
      label: `live-against-mock-${creation}`,
      conditions: { MOCK_CONTEXT_CREATION: creation, MOCK_LATENCY: '40', MOCK_RATE_LIMIT: '0.03', MOCK_GATEWAY_ERRORS: '0.03', MOCK_CONTEXT_LAG: '300' },
      // Latency-bound, not CPU-bound: measured on 2 cores, 8 workers took 79 s where 4 took 145 s (contexts at cart).
      workers: 8,
    });
  }
  // Failing tests print answers, exchanges and reproducers; network resets make Playwright-level errors likely.
  await staging('secrets on failure paths: a deviating mock with network resets and gateway errors', {
    label: 'leak-hunt',
    conditions: { MOCK_NETWORK_RESETS: '0.02', MOCK_GATEWAY_ERRORS: '0.02' },
    deviation: 'refresh-token-reused',
    expectFailures: true,
  });

  run("the conformance proxy on the suite's live-mode traffic and the fuzz test's: no API finding on the faithful mock, the deviation's requirements named, no token written", 'npx', ['tsx', 'scripts/proxy-check.ts']);
  run('the package from an installed copy: npm pack, install, run (bundled mock, deviation, baseline, live)', 'npx', ['tsx', 'scripts/pack-check.ts']);
  run('two shards merged give the verdicts of one run', 'npx', ['tsx', 'scripts/shard-check.ts']);
  if (existsSync(`${root}scripts/verify-deviations.ts`) && process.env.SKIP_DEVIATIONS !== '1') {
    run('deviation matrix', 'npx', ['tsx', 'scripts/verify-deviations.ts']);
  }
  finish(0);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  finish(1);
});
