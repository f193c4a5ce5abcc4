/**
 * `npm run shard-check`: sharding holds. Two shards (`--shard=1/2`, `--shard=2/2`, run side by side as two CI
 * machines would) with the blob reporter, merged with `playwright merge-reports --config playwright.config.ts`, give
 * the same totals and the same verdict per requirement as one unsharded run, and the merge writes the conformance
 * report. Generated input uses fixed seeds, so the two runs send the same requests. Prints the wall times.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const prefix = process.env.SHARD_CHECK_LABEL || 'shard-check';
const reports = path.join(root, 'reports');
const blobs = path.join(reports, `${prefix}-blobs`);
const started = Date.now();
const groups = new Set<number>();

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(EMPORIX_|MOCK_|CONFORMANCE_|PROPERTY_|MODEL_|GITHUB_STEP_SUMMARY$|TARGET$|SPEC_VERSION$|REPORT_LABEL$|PLAYWRIGHT_|PW_|TEST_)/.test(k)),
  );
  // Fixed seeds: both runs generate the same input, so a verdict can only differ through sharding.
  // Small generative budgets: sharding is what is checked here, not the model.
  return { ...base, TARGET: 'mock', SPEC_VERSION: '2026-04', PROPERTY_SEED: '20261126', MODEL_SEED: '20261126', PROPERTY_RUNS: '20', MODEL_RUNS: '10', CONFORMANCE_CONSOLE: 'none', ...extra };
}

function npx(args: string[], extra: Record<string, string>): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: root, env: env(extra), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) groups.add(child.pid);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', (code) => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
      groups.delete(child.pid!);
      resolve({ code, out, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

interface Conformance {
  totals: { tests: Record<string, number>; MUST: Record<string, number>; OBSERVED: Record<string, number> };
  verdict: { text: string };
  target: unknown;
  requirements: { id: string; verdict: string; tests: { title: string; outcome: string }[] }[];
}

function load(label: string): { conformance: Conformance; stats: Record<string, number> } {
  const dir = path.join(reports, label);
  const conformance = JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as Conformance;
  const { stats } = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { stats: Record<string, number> };
  return { conformance, stats };
}

let failures = 0;
function check(ok: boolean, what: string, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) {
    failures++;
    if (detail) console.log(detail.split('\n').slice(-30).map((l) => `     | ${l}`).join('\n'));
  }
}

async function main(): Promise<void> {
  for (const l of ['full', '1', '2', 'merged', 'blobs']) rmSync(path.join(reports, `${prefix}-${l}`), { recursive: true, force: true });
  const conformance = ['playwright', 'test', '--project=conformance'];

  const full = await npx(conformance, { REPORT_LABEL: `${prefix}-full` });
  console.log(`unsharded run: ${full.seconds.toFixed(1)} s (exit ${full.code})`);

  // Two machines: each shard with the blob reporter only, side by side.
  const t0 = Date.now();
  const shards = await Promise.all(
    [1, 2].map((i) => npx([...conformance, `--shard=${i}/2`, '--reporter=blob'], { REPORT_LABEL: `${prefix}-${i}`, PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(reports, `${prefix}-${i}`, 'blob') })),
  );
  const shardWall = (Date.now() - t0) / 1000;
  mkdirSync(blobs, { recursive: true });
  for (const i of [1, 2]) {
    const dir = path.join(reports, `${prefix}-${i}`, 'blob');
    const zips = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.zip')) : [];
    check(zips.length === 1, `shard ${i}/2 wrote one blob report (${shards[i - 1].seconds.toFixed(1)} s, exit ${shards[i - 1].code})`, shards[i - 1].out);
    for (const z of zips) cpSync(path.join(dir, z), path.join(blobs, z));
  }
  const t1 = Date.now();
  const merge = await npx(['playwright', 'merge-reports', '--config', 'playwright.config.ts', blobs], { REPORT_LABEL: `${prefix}-merged`, CONFORMANCE_CONSOLE: 'dot' });
  const mergeSeconds = (Date.now() - t1) / 1000;
  check(existsSync(path.join(reports, `${prefix}-merged`, 'conformance.json')), `merge-reports wrote conformance.json, results.json, junit.xml and html/ (${mergeSeconds.toFixed(1)} s)`, merge.out);
  check(/^verdict: /m.test(merge.out), 'the merged console ends with the conformance block', merge.out);
  for (const f of ['results.json', 'junit.xml', 'html/index.html']) check(existsSync(path.join(reports, `${prefix}-merged`, f)), `merged ${f} written`);
  if (failures) return;

  const a = load(`${prefix}-full`);
  const b = load(`${prefix}-merged`);
  const pick = (s: Record<string, number>) => ({ expected: s.expected, unexpected: s.unexpected, skipped: s.skipped, flaky: s.flaky });
  check(JSON.stringify(pick(a.stats)) === JSON.stringify(pick(b.stats)), `Playwright totals agree: ${JSON.stringify(pick(a.stats))} vs merged ${JSON.stringify(pick(b.stats))}`);
  check(JSON.stringify(a.conformance.totals) === JSON.stringify(b.conformance.totals), 'conformance totals (tests, MUST, OBSERVED) agree', `${JSON.stringify(a.conformance.totals)}\n${JSON.stringify(b.conformance.totals)}`);
  check(JSON.stringify(a.conformance.target) === JSON.stringify(b.conformance.target), 'the merged report knows the target from the shards\' metadata', JSON.stringify(b.conformance.target));
  const verdicts = (c: Conformance) => new Map(c.requirements.map((r) => [r.id, `${r.verdict} [${r.tests.map((t) => `${t.title}=${t.outcome}`).sort().join('; ')}]`]));
  const [va, vb] = [verdicts(a.conformance), verdicts(b.conformance)];
  const differ = [...va.keys()].filter((id) => va.get(id) !== vb.get(id));
  check(differ.length === 0 && va.size === vb.size, `the same verdict and test outcomes for each of ${va.size} requirements`, differ.map((id) => `${id}: ${va.get(id)} | merged: ${vb.get(id)}`).join('\n'));
  check(a.conformance.verdict.text === b.conformance.verdict.text, `the same verdict: "${a.conformance.verdict.text}"`);
  console.log(`\nwall times: unsharded ${full.seconds.toFixed(1)} s; two shards side by side ${shardWall.toFixed(1)} s (${shards.map((s) => s.seconds.toFixed(1)).join(' s, ')} s) + merge ${mergeSeconds.toFixed(1)} s = ${(shardWall + mergeSeconds).toFixed(1)} s`);
}

function finish(code: number): never {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  console.log(`shard-check ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (wall time)`);
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
