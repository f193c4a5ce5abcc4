/**
 * The conformance report as data: tests (as the reporter saw them) and the requirement catalogue in, one verdict per
 * requirement and one for the run out. Pure, so the self tests can feed it cases a real run rarely produces.
 */

import type { Requirement } from '../tests/support/requirements.js';

export type { Requirement };
export type Level = Requirement['level'];

export type TestOutcome =
  | 'passed'
  | 'failed'
  | 'expected-failure'
  | 'stale-baseline'
  | 'inconclusive'
  | 'skipped'
  | 'interrupted';

/** One test as the reporter saw its last result. */
export interface TestRecord {
  title: string;
  file: string;
  line: number;
  project: string;
  requirements: string[];
  outcome: TestOutcome;
  /** Skip or inconclusive reason, or the first line of the error. */
  reason?: string;
  /** Universal-check failures (SC-HTTP-0N); the failure belongs to them, not to `requirements`. */
  violations: { requirement: string; text: string }[];
  observed: string[];
  baseline: { requirement: string; reason: string }[];
  durationMs: number;
  flaky?: boolean;
  /** Path of the reproducer, relative to the report folder. */
  reproducer?: string;
  /** Generative tests: which input classes they sent (their `coverage` annotations). */
  coverage?: CoverageRecord[];
}

/**
 * What a generative test sent of the input classes its boundary examples promise (tests/support/model/runner.ts,
 * Coverage): a class never sent is a gap of this run (it stopped at a failure, or ran out of time); a class not
 * reachable here is one the target's own answers ruled out, with why.
 */
export interface CoverageRecord {
  what: string;
  covered: number;
  total: number;
  sent: { class: string; count: number }[];
  neverSent: string[];
  unreachable: { class: string; why: string }[];
}

/** The report's coverage list: one entry per generative test and coverage annotation. */
export type CoverageEntry = CoverageRecord & { test: string; file: string; line: number; outcome: TestOutcome };

/** Splits at commas outside parentheses (a reason in parentheses may hold one). */
function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** "PATCH property: 29/30 classes: field-null×1, …; never sent: x; not reachable here: y (why)" → a record. */
export function parseCoverage(description: string | undefined): CoverageRecord | undefined {
  const m = /^([\s\S]*?): (\d+)\/(\d+) classes:?([\s\S]*)$/.exec((description ?? '').trim());
  if (!m) return undefined;
  const parts = m[4].split(/; (?=never sent: |not reachable here: )/);
  const sent = splitList(parts[0]).map((c) => /^(.*)×(\d+)$/.exec(c)).filter((x): x is RegExpExecArray => !!x).map((x) => ({ class: x[1], count: Number(x[2]) }));
  const part = (prefix: string) => splitList(parts.find((p) => p.startsWith(prefix))?.slice(prefix.length) ?? '');
  return {
    what: m[1].trim(),
    covered: Number(m[2]),
    total: Number(m[3]),
    sent,
    neverSent: part('never sent: '),
    unreachable: part('not reachable here: ').map((u) => {
      const x = /^(.*?) \(([\s\S]*)\)$/.exec(u);
      return x ? { class: x[1], why: x[2] } : { class: u, why: '' };
    }),
  };
}

export type RequirementVerdict = 'conform' | 'deviate' | 'known-deviation' | 'stale-baseline' | 'inconclusive' | 'not-run' | 'excluded';

/** How a test counts for one requirement: `blocked` is a test whose failure belongs to a universal check. */
export type Contribution = TestOutcome | 'blocked';

export interface RequirementTest {
  title: string;
  /** How many requirements the test names (a model or property test names many). */
  names: number;
  /** The failure was attributed to this requirement by a `violation` annotation. */
  attributed?: boolean;
  file: string;
  line: number;
  project: string;
  outcome: Contribution;
  reason?: string;
  durationMs: number;
  reproducer?: string;
}

export interface RequirementReport {
  id: string;
  level: Level;
  operation: string;
  sources: { file: string; pointer: string }[];
  statement: string;
  verdict: RequirementVerdict;
  exclusion?: string;
  /** Universal requirements: how many tests that ran had every exchange checked against it. */
  checkedBy?: number;
  tests: RequirementTest[];
  observed: string[];
  baseline: string[];
  violations: string[];
}

export interface TargetInfo {
  kind: 'mock' | 'live';
  /** Base URL without credentials, query or fragment; null for the bundled mock (a port per worker). */
  url: string | null;
  tenant: string | null;
  specVersion: string;
  mock: { contextCreation: string; staleVersionStatus: string; deviation: string | null; variables?: Record<string, string> } | null;
  baseline: string | null;
}

export interface SuiteInfo {
  name: string;
  version: string;
}

export type RunVerdict = 'conformant' | 'deviations' | 'stale-baseline' | 'unusable';

export interface LevelCounts {
  requirements: number;
  conform: number;
  deviate: number;
  knownDeviation: number;
  staleBaseline: number;
  inconclusive: number;
  notRun: number;
  excluded: number;
}

export interface ConformanceReport {
  reportVersion: 1;
  suite: SuiteInfo;
  generatedAt: string;
  target: TargetInfo | null;
  run: { status: string; startTime: string; durationMs: number; errors: string[] };
  totals: {
    tests: { total: number; ran: number } & Record<TestOutcome, number>;
    MUST: LevelCounts;
    OBSERVED: LevelCounts;
  };
  notRun: { reason: string; tests: number }[];
  inconclusive: { reason: string; tests: number }[];
  verdict: { status: RunVerdict; text: string; exitCode: 0 | 1 | 2; mustDeviations: number; observedFindings: number; cause?: string };
  requirements: RequirementReport[];
  /** Generative tests: the input classes each sent (absent when no test recorded any). */
  coverage?: CoverageEntry[];
  /** Set by the traffic proxy (proxy/): verdicts judged from observed traffic, one "test" per operation seen. */
  source?: 'traffic';
  traffic?: TrafficInfo;
  client?: ClientSection;
}

/** What passed through the traffic proxy. */
export interface TrafficInfo {
  exchanges: number;
  judged: number;
  notJudged: { truncated: number; proxyErrors: number; gateway: number };
  /** Sessions tracked when the report was written (state expires after the idle time). */
  sessions: number;
  ledger: boolean;
}

/** The traffic proxy's findings about the client (the storefront), apart from the API's verdict. */
export interface ClientSection {
  findings: { kind: string; title: string; source: string; count: number; examples: { operation: string; text: string; evidence: string; at: string }[] }[];
}

export interface BuildInput {
  catalogue: Requirement[];
  tests: TestRecord[];
  errors: string[];
  status: string;
  startTime: Date;
  durationMs: number;
  target: TargetInfo | null;
  suite: SuiteInfo;
  /** Share of the tests that ran above which the target counts as unusable (CONFORMANCE_MAX_INCONCLUSIVE). */
  maxInconclusive: number;
  now?: Date;
}

/** A test that names more requirements than this checks many at once (a model or property test). */
export const BROAD = 5;

/** Universal requirements hold for every exchange of every test, not for the tests that name them. */
export const isUniversal = (r: Pick<Requirement, 'operation'>) => /^every /i.test(r.operation);

const ran = (o: TestOutcome) => o !== 'skipped' && o !== 'interrupted';

/** "EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set: …" → "needs EMPORIX_CLIENT_ID, EMPORIX_CLIENT_SECRET". */
export function normaliseReason(reason: string | undefined): string {
  const text = (reason ?? '').trim();
  if (!text) return 'skipped without a reason';
  const variables = [...new Set(text.match(/\b(?:EMPORIX|CONFORMANCE|MOCK)_[A-Z0-9_]+\b/g) ?? [])];
  if (variables.length && /not set|needs|missing|required/i.test(text)) return `needs ${variables.join(', ')}`;
  const first = text.split(/(?:;|: |\. )/)[0].trim();
  return first.length > 100 ? `${first.slice(0, 97)}...` : first;
}

/** An inconclusive reason as a group: without the answer's body and the query string. */
export function groupInconclusive(reason: string | undefined): string {
  const text = (reason ?? '').trim().replace(/:\s*[{[][\s\S]*$/, '').replace(/\?\S*/g, '');
  if (!text) return 'no reason given';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function contribution(t: TestRecord, id: string): Contribution {
  const violated = t.violations.some((v) => v.requirement === id);
  if (violated) return t.outcome === 'expected-failure' ? 'expected-failure' : 'failed';
  if (t.violations.length && (t.outcome === 'failed' || t.outcome === 'expected-failure')) return 'blocked';
  return t.outcome;
}

function verdictOf(outcomes: Contribution[]): Exclude<RequirementVerdict, 'excluded'> {
  if (outcomes.includes('failed')) return 'deviate';
  if (outcomes.includes('stale-baseline')) return 'stale-baseline';
  if (outcomes.includes('expected-failure')) return 'known-deviation';
  if (outcomes.includes('inconclusive')) return 'inconclusive';
  if (outcomes.includes('passed')) return 'conform';
  // Blocked: the test stopped at a universal check (reported there) before it could decide this requirement.
  if (outcomes.includes('blocked')) return 'inconclusive';
  return 'not-run';
}

function groupCount(items: string[]): { reason: string; tests: number }[] {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([reason, tests]) => ({ reason, tests })).sort((a, b) => b.tests - a.tests || a.reason.localeCompare(b.reason));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function buildReport(input: BuildInput): ConformanceReport {
  const { catalogue, tests } = input;
  const known = new Set(catalogue.map((r) => r.id));
  const requirements: RequirementReport[] = catalogue.map((r) => {
    const base = { id: r.id, level: r.level, operation: r.operation, sources: r.sources, statement: r.statement };
    if (r.exclusion) return { ...base, verdict: 'excluded', exclusion: r.exclusion, tests: [], observed: [], baseline: [], violations: [] };
    const universal = isUniversal(r);
    const mine = tests.filter((t) => t.requirements.includes(r.id) || t.violations.some((v) => v.requirement === r.id));
    const listed: RequirementTest[] = mine.map((t) => {
      const outcome = contribution(t, r.id);
      const violation = t.violations.find((v) => v.requirement === r.id);
      const reason =
        outcome === 'blocked' ? `failed a universal check: ${t.violations.map((v) => v.requirement).join(', ')}` : violation ? violation.text : t.reason;
      return {
        title: t.title,
        names: t.requirements.length,
        ...(violation ? { attributed: true } : {}),
        file: t.file,
        line: t.line,
        project: t.project,
        outcome,
        ...(reason ? { reason } : {}),
        durationMs: t.durationMs,
        ...(t.reproducer && (outcome === 'failed' || outcome === 'expected-failure') ? { reproducer: t.reproducer } : {}),
      };
    });
    const outcomes = listed.map((t) => t.outcome);
    // A universal check ran on every exchange of every test that ran; with no violation those tests are its evidence.
    const checkedBy = universal ? tests.filter((t) => ran(t.outcome) && t.outcome !== 'inconclusive' && !t.violations.some((v) => v.requirement === r.id)).length : undefined;
    if (universal && checkedBy) outcomes.push('passed');
    return {
      ...base,
      verdict: verdictOf(outcomes),
      ...(checkedBy !== undefined ? { checkedBy } : {}),
      tests: listed,
      observed: [...new Set(mine.filter((t) => t.requirements.includes(r.id)).flatMap((t) => t.observed))],
      baseline: [...new Set(mine.flatMap((t) => t.baseline.filter((b) => b.requirement === r.id).map((b) => b.reason)))],
      violations: [...new Set(mine.flatMap((t) => t.violations.filter((v) => v.requirement === r.id).map((v) => v.text)))],
    };
  });

  const testTotals = { total: tests.length, ran: 0, passed: 0, failed: 0, 'expected-failure': 0, 'stale-baseline': 0, inconclusive: 0, skipped: 0, interrupted: 0 };
  for (const t of tests) {
    testTotals[t.outcome]++;
    if (ran(t.outcome)) testTotals.ran++;
  }
  const levelCounts = (level: Level): LevelCounts => {
    const of = requirements.filter((r) => r.level === level);
    const n = (v: RequirementVerdict) => of.filter((r) => r.verdict === v).length;
    return { requirements: of.length, conform: n('conform'), deviate: n('deviate'), knownDeviation: n('known-deviation'), staleBaseline: n('stale-baseline'), inconclusive: n('inconclusive'), notRun: n('not-run'), excluded: n('excluded') };
  };
  const MUST = levelCounts('MUST');
  const OBSERVED = levelCounts('OBSERVED');
  const notRun = groupCount(tests.filter((t) => !ran(t.outcome)).map((t) => (t.outcome === 'interrupted' ? 'interrupted' : normaliseReason(t.reason))));
  const inconclusive = groupCount(tests.filter((t) => t.outcome === 'inconclusive').map((t) => groupInconclusive(t.reason)));
  const unknownIds = [...new Set(tests.flatMap((t) => t.requirements).filter((id) => !known.has(id)))];
  const errors = [...input.errors, ...(unknownIds.length ? [`tests name requirement IDs not in the catalogue: ${unknownIds.join(', ')}`] : [])];

  // Target unusable: nothing could be checked, or too much of what ran could not be decided.
  let cause: string | undefined;
  if (testTotals.ran === 0) {
    if (input.errors.length) cause = input.errors[0].split('\n')[0];
    else if (tests.length === 0) cause = 'no conformance test ran';
    else cause = `no test ran: ${notRun.map((g) => `${g.reason} (${g.tests})`).join('; ')}`;
  } else if (testTotals.inconclusive / testTotals.ran > input.maxInconclusive) {
    const top = inconclusive[0];
    cause = `${testTotals.inconclusive} of ${testTotals.ran} tests that ran were inconclusive (more than ${Math.round(input.maxInconclusive * 100)}%, CONFORMANCE_MAX_INCONCLUSIVE)${top ? `, most often: ${top.reason}` : ''}`;
  }
  const mustDeviations = MUST.deviate;
  const observedFindings = OBSERVED.deviate;
  const stale = requirements.filter((r) => r.verdict === 'stale-baseline');
  let verdict: ConformanceReport['verdict'];
  if (cause) {
    verdict = { status: 'unusable', text: `target unusable: ${cause}`, exitCode: 2, mustDeviations, observedFindings, cause };
  } else if (mustDeviations) {
    verdict = { status: 'deviations', text: plural(mustDeviations, 'MUST deviation'), exitCode: 1, mustDeviations, observedFindings };
  } else if (stale.length) {
    verdict = { status: 'stale-baseline', text: `${plural(stale.length, 'stale baseline entry', 'stale baseline entries')} (${stale.map((r) => r.id).join(', ')} passed: remove from the baseline)`, exitCode: 1, mustDeviations, observedFindings };
  } else {
    const notes = [
      MUST.knownDeviation + OBSERVED.knownDeviation ? `${plural(MUST.knownDeviation + OBSERVED.knownDeviation, 'known deviation')} in the baseline` : '',
      observedFindings ? `${plural(observedFindings, 'OBSERVED finding')}, which do not change the verdict` : '',
      MUST.inconclusive ? `${MUST.inconclusive} MUST inconclusive` : '',
      MUST.notRun ? `${MUST.notRun} MUST not run` : '',
    ].filter(Boolean);
    verdict = { status: 'conformant', text: `conformant${notes.length ? ` (${notes.join('; ')})` : ''}`, exitCode: 0, mustDeviations, observedFindings };
  }

  const coverage = tests.flatMap((t) => (t.coverage ?? []).map((c): CoverageEntry => ({ test: t.title, file: t.file, line: t.line, outcome: t.outcome, ...c })));
  return {
    reportVersion: 1,
    suite: input.suite,
    generatedAt: (input.now ?? new Date()).toISOString(),
    target: input.target,
    run: { status: input.status, startTime: input.startTime.toISOString(), durationMs: Math.round(input.durationMs), errors },
    totals: { tests: testTotals, MUST, OBSERVED },
    notRun,
    inconclusive,
    verdict,
    requirements,
    ...(coverage.length ? { coverage } : {}),
  };
}

/** "model 3/4 classes; never sent: x; not reachable here: y (why)". */
export function coverageLine(c: CoverageRecord): string {
  return [
    `${c.what} ${c.covered}/${c.total} classes`,
    ...(c.neverSent.length ? [`never sent: ${c.neverSent.join(', ')}`] : []),
    ...(c.unreachable.length ? [`not reachable here: ${c.unreachable.map((u) => `${u.class}${u.why ? ` (${u.why})` : ''}`).join(', ')}`] : []),
  ].join('; ');
}

const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function describeTarget(t: TargetInfo | null): string {
  if (!t) return 'target unknown';
  const where =
    t.kind === 'mock'
      ? `bundled mock (${[
          `contexts at ${t.mock?.contextCreation}`,
          `stale version ${t.mock?.staleVersionStatus}`,
          t.mock?.deviation ? `deviation ${t.mock.deviation}` : '',
          ...Object.entries(t.mock?.variables ?? {})
            .filter(([k]) => !['MOCK_CONTEXT_CREATION', 'MOCK_STALE_VERSION_STATUS', 'MOCK_DEVIATION'].includes(k))
            .map(([k, v]) => `${k}=${v}`),
        ]
          .filter(Boolean)
          .join(', ')})`
      : (t.url ?? 'live target, URL not set');
  return `${where}, tenant ${t.tenant ?? '?'}, spec ${t.specVersion}${t.baseline ? `, baseline ${t.baseline}` : ''}`;
}

function firstFailing(r: RequirementReport, outcomes: Contribution[]): string {
  // The narrowest failing test first: it says most about this requirement.
  const failing = r.tests.filter((t) => outcomes.includes(t.outcome)).sort((a, b) => Number(!!b.attributed) - Number(!!a.attributed) || a.names - b.names);
  if (!failing.length) return r.violations[0] ?? '';
  const more = failing.length > 1 ? ` (+${failing.length - 1} more)` : '';
  return `${failing[0].file}:${failing[0].line} "${shorten(failing[0].title, 70)}"${more}`;
}

/** The block printed at the end of a run. */
export function renderConsole(report: ConformanceReport, files: string[]): string {
  const lines: string[] = [];
  lines.push('', `Conformance: ${describeTarget(report.target)}`);
  for (const level of ['MUST', 'OBSERVED'] as const) {
    const c = report.totals[level];
    const parts = [`${c.conform} conform`, `${c.deviate} deviate`, `${c.inconclusive} inconclusive`, `${c.notRun} not run`, `${c.excluded} excluded`];
    if (c.knownDeviation) parts.splice(2, 0, `${c.knownDeviation} known (baseline)`);
    if (c.staleBaseline) parts.splice(2, 0, `${c.staleBaseline} stale baseline`);
    lines.push(`  ${level.padEnd(8)} ${String(c.requirements).padStart(3)} requirements: ${parts.join(', ')}`);
  }
  const t = report.totals.tests;
  lines.push(`  tests: ${t.passed} passed, ${t.failed} failed, ${t['expected-failure']} expected failures, ${t.inconclusive} inconclusive, ${t.skipped + t.interrupted} not run`);
  // Requirements without a test in the run: deselected by --grep or --shard (nothing is said when nothing ran).
  const unselected = t.total ? report.requirements.filter((r) => r.verdict === 'not-run' && r.tests.length === 0).length : 0;
  const groups = [...report.notRun.map((g) => `${g.reason} (${plural(g.tests, 'test')})`), ...(unselected ? [`${plural(unselected, 'requirement')} with no test in this run (--grep, --shard)`] : [])];
  if (groups.length) lines.push(`  not run: ${groups.join('; ')}`);
  if (report.inconclusive.length) lines.push(`  inconclusive: ${report.inconclusive.map((g) => `${g.reason} (${plural(g.tests, 'test')})`).join('; ')}`);
  const row = (r: RequirementReport, outcomes: Contribution[]) => `    ${r.id.padEnd(22)} ${r.level.padEnd(8)} ${shorten(r.statement, 70)}  ← ${firstFailing(r, outcomes)}`;
  const deviating = report.requirements.filter((r) => r.verdict === 'deviate');
  // A requirement whose only failing tests verify many requirements at once (model, property tests) and did not say
  // which one broke is still a deviation, but it is summed up per test so the requirements a test pinned stand out.
  const broadOnly = (r: RequirementReport) => r.tests.filter((x) => x.outcome === 'failed').every((x) => !x.attributed && x.names > BROAD);
  const must = deviating.filter((r) => r.level === 'MUST' && !broadOnly(r));
  const observed = deviating.filter((r) => r.level === 'OBSERVED' && !broadOnly(r));
  const broad = deviating.filter(broadOnly);
  if (must.length || broad.some((r) => r.level === 'MUST')) lines.push('  deviations:', ...must.map((r) => row(r, ['failed'])));
  if (broad.length) {
    const byTest = new Map<string, string[]>();
    for (const r of broad) {
      for (const x of r.tests.filter((y) => y.outcome === 'failed')) {
        const key = `${x.file}:${x.line} "${shorten(x.title, 60)}"`;
        byTest.set(key, [...(byTest.get(key) ?? []), `${r.id}${r.level === 'OBSERVED' ? ' (OBSERVED)' : ''}`]);
      }
    }
    for (const [test, ids] of byTest) {
      lines.push(`    ${plural(ids.length, 'more requirement')} named by ${test}, which checks many at once: ${shorten(ids.join(', '), 160)}`);
    }
  }
  if (observed.length) lines.push('  OBSERVED findings (what the live API was seen to do; they do not change the verdict):', ...observed.map((r) => row(r, ['failed'])));
  const known = report.requirements.filter((r) => r.verdict === 'known-deviation');
  if (known.length) lines.push('  known deviations (baseline):', ...known.map((r) => `    ${r.id.padEnd(22)} ${r.level.padEnd(8)} ${shorten(r.baseline[0] ?? '', 90)}`));
  const stale = report.requirements.filter((r) => r.verdict === 'stale-baseline');
  if (stale.length) lines.push('  stale baseline entries (the test passed):', ...stale.map((r) => row(r, ['stale-baseline'])));
  for (const e of report.run.errors) lines.push(`  error: ${shorten(e.split('\n')[0], 160)}`);
  // One line per generative test: which of its input classes it sent (a gap is named, never assumed covered).
  for (const c of report.coverage ?? []) lines.push(`  coverage: ${shorten(coverageLine(c), 200)}`);
  if (files.length) lines.push(`  report: ${files.join(', ')}`);
  lines.push(`verdict: ${report.verdict.text}`, '');
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The same content as GitHub-flavoured Markdown tables (conformance.md and the job summary). */
export function renderMarkdown(report: ConformanceReport, label?: string): string {
  const out: string[] = [];
  const icon: Record<RequirementVerdict, string> = {
    conform: '✅ conform',
    deviate: '❌ deviate',
    'known-deviation': '⚠️ known deviation',
    'stale-baseline': '❗ stale baseline',
    inconclusive: '❔ inconclusive',
    'not-run': '⏭️ not run',
    excluded: '➖ excluded',
  };
  out.push(`## Conformance${label ? ` (${cell(label)})` : ''}: ${cell(report.verdict.text)}`, '');
  out.push(`Target: ${cell(describeTarget(report.target))}. Suite ${report.suite.name} ${report.suite.version}; run ${report.run.startTime}, ${(report.run.durationMs / 1000).toFixed(1)} s, Playwright status ${report.run.status}.`, '');
  out.push('| level | requirements | conform | deviate | known (baseline) | stale baseline | inconclusive | not run | excluded |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const level of ['MUST', 'OBSERVED'] as const) {
    const c = report.totals[level];
    out.push(`| ${level} | ${c.requirements} | ${c.conform} | ${c.deviate} | ${c.knownDeviation} | ${c.staleBaseline} | ${c.inconclusive} | ${c.notRun} | ${c.excluded} |`);
  }
  out.push('', 'OBSERVED requirements record what the live API was seen to do; a deviation there is a finding and does not change the verdict.', '');
  const t = report.totals.tests;
  out.push(`Tests: ${t.total} (${t.passed} passed, ${t.failed} failed, ${t['expected-failure']} expected failures, ${t['stale-baseline']} stale baseline, ${t.inconclusive} inconclusive, ${t.skipped + t.interrupted} not run).`, '');
  if (report.run.errors.length) out.push('### Errors', '', ...report.run.errors.map((e) => `- ${cell(e.split('\n')[0])}`), '');
  const attention = report.requirements.filter((r) => ['deviate', 'stale-baseline', 'known-deviation', 'inconclusive'].includes(r.verdict));
  if (attention.length) {
    out.push('### Deviations and open points', '', '| requirement | level | verdict | statement | test | detail | reproducer |', '|---|---|---|---|---|---|---|');
    for (const r of attention) {
      const rows = r.tests.filter((x) => x.outcome !== 'passed' && x.outcome !== 'skipped');
      for (const x of rows.length ? rows : [undefined]) {
        out.push(
          `| ${r.id} | ${r.level} | ${icon[r.verdict]} | ${cell(r.statement)} | ${x ? cell(`${x.file}:${x.line} ${x.title}`) : ''} | ${cell(x?.reason ?? r.baseline[0] ?? r.violations[0] ?? '')} | ${x?.reproducer ? `[${x.reproducer}](${x.reproducer})` : ''} |`,
        );
      }
    }
    out.push('');
  }
  if (report.notRun.length) {
    out.push('### Not run', '', '| reason | tests |', '|---|---:|', ...report.notRun.map((g) => `| ${cell(g.reason)} | ${g.tests} |`), '');
  }
  if (report.inconclusive.length) {
    out.push('### Inconclusive', '', '| reason | tests |', '|---|---:|', ...report.inconclusive.map((g) => `| ${cell(g.reason)} | ${g.tests} |`), '');
  }
  if (report.coverage?.length) {
    out.push('### Coverage of the generative tests', '', 'Input classes each generative test promises (its boundary examples, sent first on every budget) and which it sent in this run.', '');
    out.push('| test | classes sent | never sent | not reachable here |', '|---|---:|---|---|');
    for (const c of report.coverage) {
      out.push(`| ${cell(`${c.what}: ${c.file}:${c.line}`)} | ${c.covered}/${c.total} | ${cell(c.neverSent.join(', '))} | ${cell(c.unreachable.map((u) => `${u.class}${u.why ? ` (${u.why})` : ''}`).join(', '))} |`);
    }
    out.push('');
  }
  out.push('<details><summary>All requirements</summary>', '', '| requirement | level | operation | verdict | tests | observed answers |', '|---|---|---|---|---:|---|');
  for (const r of report.requirements) {
    const tests = r.checkedBy !== undefined ? `${r.tests.length} (+${r.checkedBy} checked)` : String(r.tests.length);
    out.push(`| ${r.id} | ${r.level} | ${cell(r.operation)} | ${icon[r.verdict]} | ${tests} | ${cell(r.exclusion ? `excluded: ${r.exclusion}` : r.observed.join('; '))} |`);
  }
  out.push('', '</details>', '');
  return out.join('\n');
}
