/**
 * The proxy's report in the suite's own format (reporter/model.ts, schemas/conformance-report.schema.json): each
 * Session Context operation seen is one "test" carrying the universal checks of its exchanges, each requirement
 * the ledger judged is one more; the client's findings are a section of their own that never changes the verdict.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport, isUniversal, renderConsole, renderMarkdown, type ConformanceReport, type TestRecord } from '../reporter/model.js';
import { safeUrl, suiteInfo } from '../reporter/metadata.js';
import { catalogue } from '../tests/support/requirements.js';
import { CLIENT_RULES, type ClientFindingKind } from './client.js';
import type { TrafficJudge } from './judge.js';

export interface ReportInput {
  judge: TrafficJudge;
  target: string;
  specVersion: string;
  /** Requirements the ledger decides from traffic, when it says which (passed unless a finding names them). */
  ledgerRequirements?: readonly string[];
  now?: Date;
}

/**
 * Requirements that hold for every exchange or write, and that the proxy does judge on each: the universal checks,
 * and with the ledger the effects it checks at every read. The rest of the "every …" requirements (concurrent
 * writes) the traffic cannot decide: they are not run, not conform.
 */
const JUDGED_EVERYWHERE = new Set(['SC-HTTP-01', 'SC-HTTP-02', 'SC-HTTP-03', 'SC-HTTP-04', 'SC-HTTP-05']);
const JUDGED_BY_LEDGER = new Set(['SC-ATTR-08', 'SC-ISOLATION-01', 'SC-INPUT-03']);

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function trafficReport(i: ReportInput): ConformanceReport {
  const { judge } = i;
  const tests: TestRecord[] = [];
  const record = (title: string, requirements: string[], violations: { requirement: string; text: string }[], reason?: string): TestRecord => ({
    title,
    file: 'traffic',
    line: 0,
    project: 'proxy',
    requirements,
    outcome: violations.length || reason ? 'failed' : 'passed',
    ...(reason ? { reason } : {}),
    violations,
    observed: [],
    baseline: [],
    durationMs: 0,
  });
  for (const [operation, op] of [...judge.operations].sort(([a], [b]) => a.localeCompare(b))) {
    const violations = [...op.violations].map(([requirement, t]) => ({ requirement, text: `${t.count} of ${op.exchanges} exchanges; first: ${t.examples[0]?.text ?? ''}` }));
    tests.push(record(`traffic: ${operation} (${op.exchanges} exchanges)`, [], violations));
  }
  const ledgerIds = new Set([...(i.ledgerRequirements ?? []), ...judge.ledgerFindings.keys()]);
  for (const id of [...ledgerIds].sort()) {
    const t = judge.ledgerFindings.get(id);
    tests.push(record(`traffic: ${id}`, [id], [], t ? `${t.count} finding${t.count === 1 ? '' : 's'}; first: ${t.examples[0]?.text ?? ''}` : undefined));
  }
  const finished = i.now ?? new Date();
  // A universal requirement counts every test that ran as its evidence (reporter/model.ts): only those the proxy
  // judges on every exchange keep that reading here.
  // SC-CONC-01 is put to the test only when writes carrying a version overlapped on one session.
  const judged = (id: string) => JUDGED_EVERYWHERE.has(id) || (judge.hasLedger && JUDGED_BY_LEDGER.has(id)) || (id === 'SC-CONC-01' && judge.concurrency.overlaps > 0);
  const report = buildReport({
    catalogue: catalogue.map((r) => (isUniversal(r) && !judged(r.id) ? { ...r, operation: `(not judged from traffic) ${r.operation}` } : r)),
    tests,
    errors: [],
    status: tests.some((t) => t.outcome === 'failed') ? 'failed' : 'passed',
    startTime: judge.startedAt,
    durationMs: finished.getTime() - judge.startedAt.getTime(),
    target: { kind: 'live', url: safeUrl(i.target), tenant: [...judge.tenants].join(', ') || null, specVersion: i.specVersion, mock: null, baseline: null },
    suite: suiteInfo(),
    maxInconclusive: 1,
    now: finished,
  });
  const operations = new Map(catalogue.map((r) => [r.id, r.operation]));
  for (const r of report.requirements) r.operation = operations.get(r.id) ?? r.operation;
  if (report.verdict.status === 'unusable') {
    const cause = 'no Session Context exchange passed through the proxy';
    report.verdict = { ...report.verdict, cause, text: `nothing judged: ${cause}` };
  }
  // The universal checks' evidence: the redacted exchanges, beside the requirement they broke.
  for (const r of report.requirements) {
    const examples = [...judge.operations.values()].flatMap((op) => op.violations.get(r.id)?.examples ?? []);
    const ledger = judge.ledgerFindings.get(r.id)?.examples ?? [];
    const all = [...examples, ...ledger].slice(0, 10);
    if (all.length) r.violations = all.map((f) => `${f.operation}: ${f.text}\n${f.evidence}`);
  }
  report.source = 'traffic';
  report.traffic = { exchanges: judge.exchanges, judged: judge.judged, notJudged: { ...judge.notJudged }, sessions: judge.sessions, ledger: judge.hasLedger };
  report.client = {
    findings: [...judge.clientFindings].map(([kind, t]) => ({
      kind,
      title: CLIENT_RULES[kind as ClientFindingKind].title,
      source: CLIENT_RULES[kind as ClientFindingKind].source,
      count: t.count,
      examples: t.examples.map((f) => ({ operation: f.operation, text: f.text, evidence: f.evidence, at: f.at })),
    })),
  };
  return report;
}

export function clientMarkdown(report: ConformanceReport): string {
  const findings = report.client?.findings ?? [];
  const out = ['### The client (the traffic\'s sender): findings that do not change the verdict', ''];
  if (!findings.length) return [...out, 'No request the documents call wrong or useless.', ''].join('\n');
  out.push('| finding | count | rests on | first example |', '|---|---:|---|---|');
  for (const f of findings) out.push(`| ${cell(f.title)} (\`${f.kind}\`) | ${f.count} | ${cell(f.source)} | ${cell(f.examples[0]?.text ?? '')} |`);
  out.push('', '<details><summary>Evidence (redacted exchanges)</summary>', '');
  for (const f of findings) {
    out.push(`#### ${f.kind}`, '');
    for (const e of f.examples) out.push(`- ${cell(e.text)} (${e.at})`, '', '```', e.evidence, '```', '');
  }
  out.push('</details>', '');
  return out.join('\n');
}

export function clientConsole(report: ConformanceReport): string {
  const findings = report.client?.findings ?? [];
  const t = report.traffic;
  const lines = [
    `  traffic: ${t?.exchanges ?? 0} exchanges, ${t?.judged ?? 0} judged (not judged: ${t?.notJudged.truncated ?? 0} over the body limit, ${t?.notJudged.gateway ?? 0} gateway answers, ${t?.notJudged.proxyErrors ?? 0} without a complete answer: target unreachable or client gone); session ledger ${t?.ledger ? 'on' : 'off'}`,
    findings.length ? '  client findings (they do not change the verdict):' : '  client findings: none',
    ...findings.map((f) => `    ${f.kind.padEnd(26)} ${String(f.count).padStart(5)}×  ${f.title}`),
  ];
  return lines.join('\n');
}

export function writeReport(report: ConformanceReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'conformance.json');
  const md = path.join(dir, 'conformance.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, `${renderMarkdown(report, 'traffic')}\n${clientMarkdown(report)}`);
  return [json, md];
}

export function consoleSummary(report: ConformanceReport, files: string[]): string {
  const block = renderConsole(report, files.map((f) => path.relative(process.cwd(), f) || f));
  // The client section goes before the verdict line, which stays last as in a suite run.
  // A requirement without a test here is one the traffic did not touch, or one traffic cannot decide.
  const lines = block.replace('with no test in this run (--grep, --shard)', 'not touched by this traffic, or not decidable from traffic (docs/proxy.md)').split('\n');
  const verdictAt = lines.findIndex((l) => l.startsWith('verdict: '));
  lines.splice(verdictAt, 0, clientConsole(report));
  return lines.join('\n');
}
