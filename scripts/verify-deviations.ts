/**
 * `npm run verify:deviations [-- --parallel N] [--only name,name] [--full] [--generative]`: measures what the suite
 * catches. Runs the whole suite against the faithful mock (every test must pass), then once against each deviation
 * of mock/domain/deviations.ts: by default the tests tagged with the requirement IDs the deviation lists (the only
 * tests whose failure counts), with --full the whole suite. A deviation counts as DETECTED only when a test that
 * verifies one of its listed requirement IDs fails. Writes reports/deviations.json and reports/deviations.md.
 *
 * --generative also runs, per deviation, the generative tests alone (tagged @generative: tests/properties.spec.ts
 * and tests/model.spec.ts) and counts the deviation as found by them when any of them fails while all of them
 * pass on the faithful mock: how much of the catalogue is found without the hand-written cases (issue 10 §4).
 *
 * Budgets: every suite run of the matrix, faithful ones included, gives the generative tests a small budget
 * (PROPERTY_RUNS=25, MODEL_RUNS=30 unless set in the environment), which still detects every deviation and keeps
 * `npm test` fast; the faithful run must pass with the same budget.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEVIATIONS, type Deviation } from '../mock/domain/deviations.js';
import { testsOf } from './catalogue.js';

const root = fileURLToPath(new URL('../', import.meta.url));

interface RunResult {
  label: string;
  exitCode: number;
  failedIds: string[];
  failedTitles: string[];
  passed: number;
  failed: number;
  seconds: number;
}

/** The generative tests' budget in every run of the matrix (see the header). */
const BUDGET = {
  PROPERTY_RUNS: process.env.PROPERTY_RUNS || '25',
  MODEL_RUNS: process.env.MODEL_RUNS || '30',
  ...(process.env.MODEL_COMMANDS ? { MODEL_COMMANDS: process.env.MODEL_COMMANDS } : {}),
};

type Selection = readonly string[] | 'generative' | undefined;

/**
 * `stopAtFirst`: in targeted and generative runs every selected test counts, so the first failure decides and the
 * run stops there (--max-failures=1); --full runs to the end to list every failing requirement.
 */
function runSuite(label: string, env: Record<string, string>, selection?: Selection, stopAtFirst = false): Promise<RunResult> {
  const started = Date.now();
  rmSync(`${root}reports/${label}`, { recursive: true, force: true });
  return new Promise((resolve) => {
    const grep =
      selection === 'generative' ? ['--grep', '@generative'] : selection ? ['--grep', `(${selection.map((id) => `@${id}`).join('|')})(?![0-9])`] : [];
    // The local binary, not `npx`: npm's start-up would be paid once per deviation.
    const child = spawn(`${root}node_modules/.bin/playwright`, ['test', '--project=conformance', '--workers=1', ...(stopAtFirst ? ['--max-failures=1'] : []), ...grep], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        TARGET: 'mock',
        SPEC_VERSION: '2026-04',
        MOCK_CONTEXT_CREATION: '',
        MOCK_STALE_VERSION_STATUS: '',
        CONFORMANCE_BASELINE: '',
        REPORT_LABEL: label,
        CONFORMANCE_CONSOLE: 'none',
        CONFORMANCE_REPORTS: 'json',
        GENERATIVE_QUIET: '1',
        ...BUDGET,
        ...env,
      },
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      let failedIds: string[] = [];
      let failedTitles: string[];
      let passed = 0;
      let failed = 0;
      try {
        const report = JSON.parse(readFileSync(`${root}reports/${label}/results.json`, 'utf8'));
        const tests = testsOf(report);
        const bad = tests.filter((t) => t.status === 'unexpected' || t.status === 'flaky');
        failedIds = [...new Set(bad.flatMap((t) => t.ids))].sort();
        failedTitles = bad.map((t) => t.title);
        passed = tests.filter((t) => t.status === 'expected').length;
        failed = bad.length;
      } catch {
        failedTitles = [`no report: ${stderr.trim().split('\n').slice(-3).join(' ')}`];
      }
      resolve({ label, exitCode: code ?? 1, failedIds, failedTitles, passed, failed, seconds: (Date.now() - started) / 1000 });
    });
  });
}

function envFor(d: Deviation): Record<string, string> {
  const env: Record<string, string> = { MOCK_DEVIATION: d.name };
  if (d.settings?.contextCreation) env.MOCK_CONTEXT_CREATION = d.settings.contextCreation;
  if (d.settings?.specVersion) env.SPEC_VERSION = d.settings.specVersion;
  if (d.settings?.staleVersionStatus) env.MOCK_STALE_VERSION_STATUS = String(d.settings.staleVersionStatus);
  return env;
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { parallel: { type: 'string', default: '2' }, only: { type: 'string' }, full: { type: 'boolean', default: false }, generative: { type: 'boolean', default: false }, 'skip-faithful': { type: 'boolean', default: false } },
  });
  const parallel = Math.max(1, Number(values.parallel) || 2);
  const selected = values.only ? DEVIATIONS.filter((d) => values.only!.split(',').includes(d.name)) : DEVIATIONS;
  const started = Date.now();
  mkdirSync(`${root}reports`, { recursive: true });

  console.log('faithful mock: running the suite…');
  // --skip-faithful (for iterating on a few deviations only) reports the faithful run as not run, and the matrix fails.
  const faithful = values['skip-faithful']
    ? { label: 'deviations/faithful', exitCode: 1, failedIds: [], failedTitles: ['not run (--skip-faithful)'], passed: 0, failed: 0, seconds: 0 }
    : await runSuite('deviations/faithful', { MOCK_DEVIATION: '' });
  const faithfulOk = faithful.failed === 0 && faithful.exitCode === 0 && faithful.passed > 0;
  // The generative tests are part of the faithful run above, with the same budget: all of them passed there.
  console.log(`faithful mock: ${faithful.passed} passed, ${faithful.failed} failed${faithfulOk ? '' : `\n  ${faithful.failedTitles.join('\n  ')}`}`);
  console.log(`generative budget: ${Object.entries(BUDGET).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (values.only) {
    const unknown = values.only.split(',').filter((n) => !DEVIATIONS.some((d) => d.name === n));
    if (unknown.length) console.log(`unknown deviation names (skipped): ${unknown.join(', ')}`);
  }

  console.log(`deviations: running ${selected.length}, ${parallel} at a time, ${values.full ? 'whole suite each' : "each against the tests of the requirements it violates (--full for the whole suite)"}…`);
  const runs = await pool(selected, parallel, async (d) => {
    // Default: the tests that verify the deviation's listed requirements (the only ones that can count as a
    // detection). --full runs the whole suite and lists every requirement that fails, at a few times the cost:
    // Playwright restarts its worker after each failing test.
    const r = await runSuite(`deviations/${d.name}`, envFor(d), values.full ? undefined : d.violates, !values.full);
    const caught = r.failedIds.filter((id) => d.violates.includes(id));
    // Generative alone: any failing @generative test counts (the faithful mock passes them all).
    const g = values.generative ? await runSuite(`deviations-generative/${d.name}`, envFor(d), 'generative', true) : undefined;
    const generative = g ? (g.failed > 0 ? 'FOUND' : g.passed > 0 ? 'NOT FOUND' : 'NO RUN') : undefined;
    const row = {
      deviation: d.name,
      area: d.area,
      description: d.description,
      violates: d.violates,
      failingRequirements: r.failedIds,
      caughtBy: caught,
      failedTests: r.failed,
      failedTitles: r.failedTitles,
      verdict: caught.length ? 'DETECTED' : 'MISSED',
      seconds: r.seconds,
      ...(g ? { generative, generativeFailedTests: g.failedTitles, generativeSeconds: g.seconds } : {}),
    };
    console.log(
      `  ${row.verdict.padEnd(8)} ${d.name.padEnd(38)} ${caught.length ? caught.join(', ') : `(failing: ${r.failedIds.join(', ') || 'none'})`}${g ? `   generative alone: ${generative}` : ''}`,
    );
    return row;
  });

  const detected = runs.filter((r) => r.verdict === 'DETECTED').length;
  const generativeFound = runs.filter((r) => r.generative === 'FOUND').length;
  const generativeLine = values.generative ? `generative alone: ${generativeFound}/${runs.length}` : undefined;
  const seconds = (Date.now() - started) / 1000;
  const width = Math.max(...runs.map((r) => r.deviation.length), 9);
  console.log(`\n${'deviation'.padEnd(width)}  verdict   ${values.generative ? 'generative  ' : ''}failing requirement IDs`);
  for (const r of runs) {
    console.log(`${r.deviation.padEnd(width)}  ${r.verdict.padEnd(8)}  ${values.generative ? `${(r.generative ?? '').padEnd(10)}  ` : ''}${r.failingRequirements.join(', ') || '-'}`);
  }

  const summary = {
    generatedBy: 'npm run verify:deviations',
    seconds,
    parallel,
    mode: values.full ? 'full' : 'targeted',
    budget: BUDGET,
    faithful: { passed: faithful.passed, failed: faithful.failed, failedTests: faithful.failedTitles },
    detected,
    total: runs.length,
    ...(values.generative ? { generativeAlone: { found: generativeFound, total: runs.length } } : {}),
    deviations: runs,
  };
  writeFileSync(`${root}reports/deviations.json`, `${JSON.stringify(summary, null, 2)}\n`);
  const md = [
    '# Deviation matrix',
    '',
    `Faithful mock: ${faithful.passed} passed, ${faithful.failed} failed. Deviations detected: ${detected}/${runs.length}. Runtime ${seconds.toFixed(1)} s (${parallel} suites at a time; ${values.full ? 'whole suite per deviation' : 'per deviation, the tests of the requirements it violates'}; generative budget ${Object.entries(BUDGET).map(([k, v]) => `${k}=${v}`).join(' ')}).`,
    ...(generativeLine ? ['', `Found by the generative tests alone (@generative: tests/properties.spec.ts, tests/model.spec.ts): ${generativeLine.split(': ')[1]}.`] : []),
    '',
    `| deviation | area | violates | failing requirement IDs | verdict |${values.generative ? ' generative alone |' : ''}`,
    `|---|---|---|---|---|${values.generative ? '---|' : ''}`,
    ...runs.map((r) => `| ${r.deviation} | ${r.area} | ${r.violates.join(', ')} | ${r.failingRequirements.join(', ') || '-'} | ${r.verdict} |${values.generative ? ` ${r.generative} |` : ''}`),
    '',
  ].join('\n');
  writeFileSync(`${root}reports/deviations.md`, md);
  console.log(`\nmatrix written to reports/deviations.json and reports/deviations.md (${seconds.toFixed(1)} s)`);
  console.log(`deviations detected: ${detected}/${runs.length}`);
  if (generativeLine) console.log(generativeLine);
  process.exit(faithfulOk && detected === runs.length ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
