/**
 * `npx tsx scripts/proxy-deviations.ts [--only a,b] [--full]`: how much of the deviation catalogue the suite's own
 * traffic reveals through the conformance proxy alone. Per deviation of mock/domain/deviations.ts: a standalone mock
 * with it, the proxy in front, and the suite in live mode through the proxy (by default the tests tagged with the
 * deviation's requirements, as the deviation matrix selects them; --full: the whole suite). The proxy REVEALS the
 * deviation when one of its API findings names one of the deviation's requirements; the suite's own verdict on the
 * same run is listed beside it. Slow (one suite run per deviation), so not part of npm test. Writes
 * reports/proxy-deviations.json and .md and prints `revealed by the proxy alone: X/Y`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEVIATIONS } from '../mock/domain/deviations.js';
import { describeRun, grepFor, proxyRun, type ProxyRunResult } from './proxy-check.js';

const root = fileURLToPath(new URL('../', import.meta.url));

interface Row {
  name: string;
  violates: readonly string[];
  revealed: boolean;
  /** The suite's own report on the same run named one of the requirements. */
  suiteDetected: boolean;
  proxyFindings: string[];
  seconds: number;
  problems: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, full: { type: 'boolean', default: false } } });
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const selected = only ? DEVIATIONS.filter((d) => only.includes(d.name)) : DEVIATIONS;
  const rows: Row[] = [];
  const started = Date.now();
  for (const [i, d] of selected.entries()) {
    let r: ProxyRunResult;
    try {
      r = await proxyRun({ label: `proxy-dev-${d.name}`, deviation: d.name, grep: values.full ? undefined : grepFor(d.violates) });
    } catch (e) {
      rows.push({ name: d.name, violates: d.violates, revealed: false, suiteDetected: false, proxyFindings: [], seconds: 0, problems: [(e as Error).message] });
      continue;
    }
    const problems = [r.schemaErrors, r.leaks ? `${r.leaks} leaks` : '', r.leftoverProcesses ? `${r.leftoverProcesses} processes left` : ''].filter(Boolean);
    const row: Row = {
      name: d.name,
      violates: d.violates,
      revealed: r.apiRequirements.some((id) => d.violates.includes(id)),
      suiteDetected: r.suiteDeviations.some((id) => d.violates.includes(id)),
      proxyFindings: r.apiRequirements,
      seconds: r.seconds,
      problems,
    };
    rows.push(row);
    console.log(`[${i + 1}/${selected.length}] ${row.revealed ? 'REVEALED' : 'missed  '} ${d.name} (${d.violates.join(', ')}); ${describeRun(r)}`);
  }
  const revealed = rows.filter((r) => r.revealed).length;
  const suite = rows.filter((r) => r.suiteDetected).length;
  const both = rows.filter((r) => r.suiteDetected && r.revealed).length;
  const problems = rows.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
  const minutes = (Date.now() - started) / 60_000;
  mkdirSync(`${root}reports`, { recursive: true });
  writeFileSync(`${root}reports/proxy-deviations.json`, `${JSON.stringify({ revealed, total: rows.length, suiteDetected: suite, minutes, rows }, null, 2)}\n`);
  writeFileSync(
    `${root}reports/proxy-deviations.md`,
    [
      `## Deviations the suite's traffic reveals through the conformance proxy alone: ${revealed}/${rows.length}`,
      '',
      `The suite's own report on the same runs: ${suite}/${rows.length}; both: ${both}. ${values.full ? 'Whole suite per deviation.' : "Tests tagged with the deviation's requirements."}`,
      '',
      '| deviation | requirements | proxy | suite | proxy findings |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.violates.join(', ')} | ${r.revealed ? '✅' : '—'} | ${r.suiteDetected ? '✅' : '—'} | ${r.proxyFindings.join(', ')} |`),
      '',
    ].join('\n'),
  );
  for (const p of problems) console.log(`  NOT OK ${p}`);
  console.log(`revealed by the proxy alone: ${revealed}/${rows.length} (the suite's own report on the same runs: ${suite}/${rows.length}); ${minutes.toFixed(1)} min; reports/proxy-deviations.md`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
