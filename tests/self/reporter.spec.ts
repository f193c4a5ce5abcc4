/**
 * The conformance report's rules, on cases a real run rarely produces: an inconclusive test is neither a deviation
 * nor "not run", a universal-check failure belongs to SC-HTTP-0N and not to the test's own requirement, OBSERVED
 * findings leave the verdict conformant, and a target that answered nothing useful is called unusable.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type TestInfo } from '@playwright/test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { buildReport, normaliseReason, parseCoverage, renderConsole, renderMarkdown, type Requirement, type TestRecord } from '../../reporter/model.js';
import { Coverage } from '../support/model/runner.js';
import { safeUrl } from '../../reporter/metadata.js';

const catalogue: Requirement[] = [
  { id: 'SC-VERSION-01', level: 'MUST', operation: 'PATCH /me/context', statement: 'A stale version is rejected.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§1' }] },
  { id: 'SC-VERSION-09', level: 'MUST', operation: 'PATCH /me/context', statement: 'Of concurrent PATCHes exactly one succeeds.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§1' }] },
  { id: 'SC-VERSION-07', level: 'OBSERVED', operation: 'PATCH /me/context', statement: 'A write raises the version by 1.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§2' }] },
  { id: 'SC-MGMT-GET-01', level: 'MUST', operation: 'GET /context/{sessionId}', statement: 'The management GET answers the context.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§3' }] },
  { id: 'SC-ATTR-01', level: 'MUST', operation: 'POST /me/context/attributes', statement: 'POST answers 201.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§5' }] },
  { id: 'SC-ATTR-02', level: 'MUST', operation: 'POST /me/context/attributes', statement: 'An added attribute appears.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§5' }] },
  { id: 'SC-HTTP-01', level: 'MUST', operation: 'every exchange', statement: 'No request is answered 5xx.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§4' }] },
  { id: 'SC-SCHEMA-05', level: 'MUST', operation: 'all operations', statement: 'A server error carries an ErrorMessage.', sources: [{ file: 'BEHAVIOUR.md', pointer: '§4' }], exclusion: 'cannot be provoked on purpose' },
];

function t(requirement: string, outcome: TestRecord['outcome'], extra: Partial<TestRecord> = {}): TestRecord {
  return { title: `${requirement} ${outcome}`, file: 'tests/x.spec.ts', line: 1, project: 'conformance', requirements: [requirement], outcome, violations: [], observed: [], baseline: [], durationMs: 5, ...extra };
}

const passing = () => [t('SC-VERSION-01', 'passed'), t('SC-VERSION-09', 'passed'), t('SC-VERSION-07', 'passed'), t('SC-MGMT-GET-01', 'passed'), t('SC-ATTR-01', 'passed'), t('SC-ATTR-02', 'passed')];

function build(tests: TestRecord[], errors: string[] = [], maxInconclusive = 0.2) {
  return buildReport({
    catalogue,
    tests,
    errors,
    status: 'passed',
    startTime: new Date('2026-11-26T06:00:00Z'),
    durationMs: 1234,
    target: { kind: 'mock', url: null, tenant: 'conformance', specVersion: '2026-04', mock: { contextCreation: 'cart', staleVersionStatus: '404', deviation: null }, baseline: null },
    suite: { name: 'suite', version: '0.0.0' },
    maxInconclusive,
  });
}

const verdictOf = (report: ReturnType<typeof build>, id: string) => report.requirements.find((r) => r.id === id)?.verdict;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/conformance-report.schema.json', import.meta.url), 'utf8')));

test.describe('conformance report', () => {
  test('every test passing is conformant; excluded and universal requirements get their own verdicts', () => {
    const report = build(passing());
    expect(report.verdict).toMatchObject({ status: 'conformant', text: 'conformant', exitCode: 0 });
    expect(verdictOf(report, 'SC-SCHEMA-05')).toBe('excluded');
    expect(verdictOf(report, 'SC-HTTP-01')).toBe('conform');
    expect(report.requirements.find((r) => r.id === 'SC-HTTP-01')?.checkedBy).toBe(6);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  test('a failing MUST test is a deviation named with its test, and the verdict counts it', () => {
    const tests = passing();
    tests[1] = t('SC-VERSION-09', 'failed', { reason: 'exactly one 204 among 204, 204', reproducer: 'reproducers/v-1.sh' });
    const report = build(tests);
    expect(verdictOf(report, 'SC-VERSION-09')).toBe('deviate');
    expect(report.verdict).toMatchObject({ status: 'deviations', text: '1 MUST deviation', exitCode: 1, mustDeviations: 1 });
    const block = renderConsole(report, []);
    expect(block).toMatch(/SC-VERSION-09 +MUST +Of concurrent PATCHes exactly one succeeds\. +← tests\/x\.spec\.ts:1/);
    expect(block.trimEnd().split('\n').at(-1)).toBe('verdict: 1 MUST deviation');
    expect(renderMarkdown(report)).toContain('[reproducers/v-1.sh](reproducers/v-1.sh)');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  test('requirements implicated only by a failing test that checks many at once are summed up under that test', () => {
    const ids = ['SC-VERSION-01', 'SC-VERSION-09', 'SC-VERSION-07', 'SC-MGMT-GET-01', 'SC-ATTR-01', 'SC-ATTR-02'];
    const tests = [...passing(), t('SC-VERSION-09', 'failed', { title: 'ten concurrent PATCHes' }), { ...t('SC-VERSION-01', 'failed'), title: 'the model', line: 67, requirements: ids }];
    const report = build(tests);
    // Still deviations in the report: the model test failed and did not say which requirement broke.
    expect(ids.filter((id) => verdictOf(report, id) === 'deviate')).toEqual(ids);
    expect(report.verdict.text).toBe('5 MUST deviations');
    const block = renderConsole(report, []);
    expect(block).toMatch(/^ {4}SC-VERSION-09 +MUST .*"ten concurrent PATCHes"/m);
    expect(block).not.toMatch(/^ {4}SC-ATTR-01 /m);
    expect(block).toContain('5 more requirements named by tests/x.spec.ts:67 "the model", which checks many at once: SC-VERSION-01, SC-VERSION-07 (OBSERVED), SC-MGMT-GET-01, SC-ATTR-01, SC-ATTR-02');
    // A violation annotation pins the failure: the other requirements of the test are then not deviations.
    const pinned = build([...passing(), { ...t('SC-VERSION-01', 'failed'), requirements: ids, violations: [{ requirement: 'SC-VERSION-09', text: 'two PATCHes with one version both answered 204' }] }]);
    expect(ids.filter((id) => verdictOf(pinned, id) === 'deviate')).toEqual(['SC-VERSION-09']);
    expect(renderConsole(pinned, [])).toMatch(/^ {4}SC-VERSION-09 +MUST /m);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  test('an OBSERVED failure is a finding and leaves the verdict conformant', () => {
    const tests = passing();
    tests[2] = t('SC-VERSION-07', 'failed', { reason: 'version raised by 2' });
    const report = build(tests);
    expect(verdictOf(report, 'SC-VERSION-07')).toBe('deviate');
    expect(report.verdict.status).toBe('conformant');
    expect(report.verdict.text).toContain('1 OBSERVED finding');
    expect(renderConsole(report, [])).toContain('OBSERVED findings');
  });

  test('an inconclusive test is reported apart: neither a deviation nor "not run"', () => {
    const tests = [...passing(), ...Array.from({ length: 4 }, () => t('SC-MGMT-GET-01', 'passed')), t('SC-VERSION-01', 'inconclusive', { reason: '429 persisted after 3 attempts on POST /cart/t/carts' })];
    const report = build(tests);
    expect(verdictOf(report, 'SC-VERSION-01')).toBe('inconclusive');
    expect(report.totals.MUST).toMatchObject({ deviate: 0, notRun: 0, inconclusive: 1 });
    expect(report.notRun).toEqual([]);
    expect(report.inconclusive).toEqual([{ reason: '429 persisted after 3 attempts on POST /cart/t/carts', tests: 1 }]);
    // 1 of 11 tests that ran: under the default 20 %.
    expect(report.verdict.status).toBe('conformant');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  test('inconclusive reasons are grouped without the answer body and the query string', () => {
    const a = '429 (Retry-After: 1) persisted on GET /customerlogin/auth/anonymous/login?tenant=t&client_id=x after 4 attempts: {"fault":{"faultstring":"Rate limit"}}';
    const b = '429 (Retry-After: 1) persisted on GET /customerlogin/auth/anonymous/login?tenant=t&client_id=y after 4 attempts: {"fault":{}}';
    const tests = [...passing(), ...passing(), t('SC-VERSION-01', 'inconclusive', { reason: a }), t('SC-VERSION-09', 'inconclusive', { reason: b })];
    expect(build(tests).inconclusive).toEqual([{ reason: '429 (Retry-After: 1) persisted on GET /customerlogin/auth/anonymous/login after 4 attempts', tests: 2 }]);
  });

  test('more than CONFORMANCE_MAX_INCONCLUSIVE of the tests that ran inconclusive makes the target unusable', () => {
    const tests = [...passing(), t('SC-VERSION-01', 'inconclusive', { reason: '429 persisted' }), t('SC-VERSION-09', 'inconclusive', { reason: '429 persisted' })];
    const report = build(tests);
    expect(report.verdict).toMatchObject({ status: 'unusable', exitCode: 2 });
    expect(report.verdict.text).toMatch(/^target unusable: 2 of 8 tests that ran were inconclusive .*429 persisted/);
    expect(build(tests, [], 0.5).verdict.status).toBe('conformant');
  });

  test('a universal-check failure is attributed to SC-HTTP-0N, not to the requirement of the test', () => {
    const tests = passing();
    tests[0] = t('SC-VERSION-01', 'failed', { violations: [{ requirement: 'SC-HTTP-01', text: 'PATCH answered 502' }] });
    const report = build(tests);
    expect(verdictOf(report, 'SC-HTTP-01')).toBe('deviate');
    expect(report.requirements.find((r) => r.id === 'SC-HTTP-01')?.violations).toEqual(['PATCH answered 502']);
    // The test stopped before it could decide SC-VERSION-01.
    expect(verdictOf(report, 'SC-VERSION-01')).toBe('inconclusive');
    expect(report.verdict.text).toBe('1 MUST deviation');
    // With another test of SC-VERSION-01 passing, the requirement conforms.
    expect(verdictOf(build([...tests, t('SC-VERSION-01', 'passed')]), 'SC-VERSION-01')).toBe('conform');
  });

  test('skipped tests are grouped by a normalised reason', () => {
    expect(normaliseReason('EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set: no service client for the management endpoints')).toBe('needs EMPORIX_CLIENT_ID, EMPORIX_CLIENT_SECRET');
    expect(normaliseReason('TARGET=live needs EMPORIX_API_URL: not set in the environment or .env')).toBe('needs EMPORIX_API_URL');
    expect(normaliseReason('not part of the 2022-11 contract (SPEC_VERSION)')).toBe('not part of the 2022-11 contract (SPEC_VERSION)');
    const tests = [...passing(), t('SC-MGMT-GET-01', 'skipped', { reason: 'EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set: x' }), t('SC-MGMT-GET-01', 'skipped', { reason: 'EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set: y' })];
    expect(build(tests).notRun).toEqual([{ reason: 'needs EMPORIX_CLIENT_ID, EMPORIX_CLIENT_SECRET', tests: 2 }]);
    // A requirement whose every test was skipped is "not run", and the verdict says so.
    const only = build([t('SC-VERSION-01', 'passed'), t('SC-MGMT-GET-01', 'skipped', { reason: 'EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET are not set' })]);
    expect(verdictOf(only, 'SC-MGMT-GET-01')).toBe('not-run');
    expect(only.verdict.text).toContain('MUST not run');
  });

  test('a global-setup error, or no test run, makes the target unusable with the cause', () => {
    const setup = build([], ['preflight: EMPORIX_API_URL=https://x did not answer within 10 s\n    at preflight.ts:1']);
    expect(setup.verdict).toMatchObject({ status: 'unusable', exitCode: 2, text: 'target unusable: preflight: EMPORIX_API_URL=https://x did not answer within 10 s' });
    const skipped = build([t('SC-VERSION-01', 'skipped', { reason: 'TARGET=live needs EMPORIX_API_URL: not set' })]);
    expect(skipped.verdict.text).toBe('target unusable: no test ran: needs EMPORIX_API_URL (1)');
    expect(validate(setup), JSON.stringify(validate.errors)).toBe(true);
  });

  test('a baselined failure is a known deviation; a baselined pass is a stale entry that fails the run', () => {
    const known = passing();
    known[1] = t('SC-VERSION-09', 'expected-failure', { baseline: [{ requirement: 'SC-VERSION-09', reason: 'ticket X-1' }] });
    const k = build(known);
    expect(verdictOf(k, 'SC-VERSION-09')).toBe('known-deviation');
    expect(k.requirements.find((r) => r.id === 'SC-VERSION-09')?.baseline).toEqual(['ticket X-1']);
    expect(k.verdict).toMatchObject({ status: 'conformant', exitCode: 0 });
    expect(k.verdict.text).toContain('1 known deviation in the baseline');
    const stale = passing();
    stale[1] = t('SC-VERSION-09', 'stale-baseline', { baseline: [{ requirement: 'SC-VERSION-09', reason: 'ticket X-1' }] });
    expect(build(stale).verdict).toMatchObject({ status: 'stale-baseline', exitCode: 1 });
  });

  test('the target URL keeps no credentials, query or fragment', () => {
    expect(safeUrl('https://user:secret@api.example.com/base?token=abc#x')).toBe('https://api.example.com/base');
    expect(safeUrl('https://api.emporix.io/')).toBe('https://api.emporix.io');
    expect(safeUrl('')).toBeNull();
  });

  test('the coverage annotation a generative test writes reads back whole: classes sent, never sent, not reachable here', () => {
    // Written by the generators' own Coverage, so a change of its line that the reporter cannot read fails here.
    const coverage = new Coverage<string>(['field-null', 'context-dozens', 'version-stale', 'patch-without-context'].map((c) => ({ class: c, value: c })), (c) => [c]);
    for (const c of ['field-null', 'field-null', 'context-dozens']) coverage.saw(c);
    coverage.excuse('patch-without-context', 'every session had a context before its first cart, at login');
    const info = { annotations: [] as { type: string; description?: string }[] };
    const quiet = process.env.GENERATIVE_QUIET;
    process.env.GENERATIVE_QUIET = '1';
    try {
      coverage.record(info as unknown as TestInfo, 'model');
    } finally {
      if (quiet === undefined) delete process.env.GENERATIVE_QUIET;
      else process.env.GENERATIVE_QUIET = quiet;
    }
    expect(parseCoverage(info.annotations[0].description)).toEqual({
      what: 'model',
      covered: 2,
      total: 4,
      sent: [{ class: 'field-null', count: 2 }, { class: 'context-dozens', count: 1 }],
      neverSent: ['version-stale'],
      unreachable: [{ class: 'patch-without-context', why: 'every session had a context before its first cart, at login' }],
    });
    expect(parseCoverage('PATCH property: 0/2 classes: ; never sent: a, b')).toMatchObject({ covered: 0, total: 2, sent: [], neverSent: ['a', 'b'], unreachable: [] });
    expect(parseCoverage('model: seed=1 runs=3')).toBeUndefined();
  });

  test('coverage of the generative tests is in conformance.json, one console line per test and a table in conformance.md', () => {
    const full = parseCoverage('PATCH property: 30/30 classes: field-null×1')!;
    const gappy = parseCoverage('model: 2/4 classes: a×3, b×1; never sent: c; not reachable here: d (no service client)')!;
    const tests = [...passing(), { ...t('SC-VERSION-01', 'passed'), title: 'PATCH property', line: 40, coverage: [full] }, { ...t('SC-VERSION-09', 'failed'), title: 'the model', line: 67, coverage: [gappy] }];
    const report = build(tests);
    expect(report.coverage).toEqual([
      { test: 'PATCH property', file: 'tests/x.spec.ts', line: 40, outcome: 'passed', ...full },
      { test: 'the model', file: 'tests/x.spec.ts', line: 67, outcome: 'failed', ...gappy },
    ]);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const lines = renderConsole(report, []).split('\n').filter((l) => l.startsWith('  coverage: '));
    expect(lines).toEqual(['  coverage: PATCH property 30/30 classes', '  coverage: model 2/4 classes; never sent: c; not reachable here: d (no service client)']);
    const md = renderMarkdown(report);
    expect(md).toContain('### Coverage of the generative tests');
    expect(md).toContain('| model: tests/x.spec.ts:67 | 2/4 | c | d (no service client) |');
    // Additive: a run without generative tests has no coverage key at all.
    expect(build(passing())).not.toHaveProperty('coverage');
    expect(renderConsole(build(passing()), [])).not.toContain('coverage:');
  });

  test('conformance.md is GitHub tables: a header row, then a separator row of the same width', () => {
    const md = renderMarkdown(build(passing()));
    const lines = md.split('\n');
    const headers = lines.map((l, i) => [l, lines[i + 1] ?? ''] as const).filter(([l, next]) => l.startsWith('|') && /^\|(-+:?\|)+$|^\|(---:?\|)+$/.test(next.replace(/ /g, '')));
    expect(headers.length).toBeGreaterThanOrEqual(2);
    for (const [head, sep] of headers) expect(sep.split('|').length).toBe(head.split('|').length);
  });
});
