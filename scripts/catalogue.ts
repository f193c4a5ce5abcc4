/**
 * The requirement catalogue as a checked, readable specification.
 *
 *   tsx scripts/catalogue.ts render          writes docs/SPECIFICATION.md from fixtures/requirements.json
 *   tsx scripts/catalogue.ts render --check  fails when docs/SPECIFICATION.md is out of date
 *   tsx scripts/catalogue.ts check R.json…   fails when a requirement has neither a test nor an exclusion, when a
 *                                            test names an unknown or excluded ID, or when an ID is verified by
 *                                            no test that ran (passed or failed, not skipped) in the given
 *                                            results of the default target
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { DEVIATIONS } from '../mock/domain/deviations.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const SPEC_PATH = `${root}docs/SPECIFICATION.md`;

interface Requirement {
  id: string;
  level: 'MUST' | 'OBSERVED';
  operation: string;
  statement: string;
  sources: { file: string; pointer: string }[];
  exclusion?: string;
}

interface ListedTest {
  file: string;
  /** Line of the test() call, where the listing gives it. */
  line?: number;
  title: string;
  ids: string[];
  /** Playwright's verdict in a results file: expected, unexpected, flaky or skipped. */
  status?: string;
}

export function loadCatalogue(): Requirement[] {
  const data = JSON.parse(readFileSync(`${root}fixtures/requirements.json`, 'utf8')) as { requirements: Requirement[] };
  const ajv = new Ajv({ allErrors: true, strictRequired: false });
  const validate = ajv.compile(JSON.parse(readFileSync(`${root}schemas/requirements.schema.json`, 'utf8')));
  if (!validate(data)) throw new Error(`fixtures/requirements.json does not match its schema: ${JSON.stringify(validate.errors, null, 2)}`);
  const reqs = data.requirements as Requirement[];
  const seen = new Set<string>();
  for (const r of reqs) {
    if (seen.has(r.id)) throw new Error(`requirement ${r.id} appears twice in fixtures/requirements.json`);
    seen.add(r.id);
  }
  return reqs;
}

interface JsonSuite {
  title: string;
  file?: string;
  specs?: { title: string; file: string; line?: number; tests: { annotations: { type: string; description: string }[]; status?: string; projectName?: string }[] }[];
  suites?: JsonSuite[];
}

/** Flattens a Playwright JSON report (a listing or a run) into tests with their requirement IDs. */
export function testsOf(report: { suites: JsonSuite[] }): ListedTest[] {
  const out: ListedTest[] = [];
  const walk = (suite: JsonSuite, path: string[]) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.projectName && t.projectName !== 'conformance') continue;
        const ids = [...new Set(t.annotations.filter((a) => a.type === 'requirement').map((a) => a.description))];
        out.push({ file: spec.file, line: spec.line, title: [...path, spec.title].join(' › '), ids, status: t.status });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const s of report.suites) walk(s, []);
  return out;
}

/** The suite's tests as Playwright lists them (no test runs). */
export function listTests(): ListedTest[] {
  const out = execFileSync('npx', ['playwright', 'test', '--project=conformance', '--list', '--reporter=json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TARGET: 'mock', SPEC_VERSION: '2026-04' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return testsOf(JSON.parse(out));
}

const escape = (s: string) => s.replace(/\|/g, '\\|');

/**
 * Whether a test runs on the bundled mock only: its body opens with a skip on any target but the mock (the skip
 * reason a live run reports). Read from the source, not from a run's results, so that the rendered document
 * does not depend on which reports happen to exist.
 */
export function mockOnly(t: ListedTest): boolean {
  if (!t.line) return false;
  const path = `${root}tests/${t.file}`;
  if (!existsSync(path)) return false;
  const body = readFileSync(path, 'utf8').split('\n').slice(t.line - 1, t.line + 6).join('\n');
  return /skip\(\s*(target\.kind !== 'mock'|target\.kind === 'live'|targetKind\(\) === 'live')/.test(body);
}

export function render(reqs: Requirement[], tests: ListedTest[]): string {
  const byId = new Map<string, ListedTest[]>();
  for (const t of tests) for (const id of t.ids) byId.set(id, [...(byId.get(id) ?? []), t]);
  const order = [
    'GET /me/context',
    'PATCH /me/context',
    'POST /me/context/attributes',
    'DELETE /me/context/attributes/{attributeName}',
    'GET /context/{sessionId}',
    'PUT /context/{sessionId}',
    'POST /context/{sessionId}/attributes',
    'DELETE /context/{sessionId}/attributes/{attributeName}',
    'all operations',
    'session lifecycle',
  ];
  const rank = (op: string) => (order.includes(op) ? order.indexOf(op) : order.length);
  const operations = [...new Set(reqs.map((r) => r.operation))].sort((a, b) => rank(a) - rank(b));
  const verified = reqs.filter((r) => !r.exclusion).length;
  const lines: string[] = [
    '# Session Context Service: the specification this suite verifies',
    '',
    '<!-- Generated by `npm run spec` from fixtures/requirements.json and the suite\'s test annotations. Do not edit. -->',
    '',
    'Every normative statement the suite knows of, from the seed documents (`seeds/`), both OpenAPI versions of the',
    'Session Context Service (`openapi/session-context.2026-02-05.yaml`, `openapi/session-context.2026-06-11.yaml`),',
    "the neighbouring services' specs, and `BEHAVIOUR.md` (all under `shared/reference/`).",
    '',
    '- **MUST**: documented; a target that fails it does not conform.',
    '- **OBSERVED**: what the live API was seen to do; nothing promises it, so a failure is a finding, not a verdict.',
    '- **Excluded**: not verified, with the reason (mostly: the documents conflict or are silent).',
    '',
    `${reqs.length} requirements: ${verified} verified by ${tests.length} tests, ${reqs.length - verified} excluded.`,
    '',
  ];
  for (const op of operations) {
    lines.push(`## ${op}`, '');
    for (const r of reqs.filter((x) => x.operation === op)) {
      const sources = r.sources.map((s) => `\`${s.file}\` ${s.pointer.startsWith('#') ? `\`${s.pointer}\`` : s.pointer}`).join('; ');
      lines.push(`### ${r.id} (${r.exclusion ? `${r.level}, excluded` : r.level})`, '', r.statement, '', `Source: ${sources}`, '');
      if (r.exclusion) {
        lines.push(`Not verified: ${r.exclusion}`, '');
      } else {
        const own = byId.get(r.id) ?? [];
        if (own.length && own.every(mockOnly)) lines.push('**Verified on the bundled mock only**: every test of it seeds data into the mock and is skipped on a live target.', '');
        const breaking = DEVIATIONS.filter((d) => d.violates.includes(r.id)).map((d) => `\`${d.name}\``);
        lines.push(`Broken by deviations (mock/domain/deviations.ts): ${breaking.length ? breaking.join(', ') : 'none catalogued'}.`, '');
        const ts = own.map((t) => `${t.file}: ${t.title}`).sort();
        const unique = [...new Set(ts)];
        lines.push(`Verified by ${unique.length} test${unique.length === 1 ? '' : 's'}:`, '');
        const shown = unique.slice(0, 12);
        for (const t of shown) lines.push(`- ${escape(t)}`);
        if (unique.length > shown.length) lines.push(`- … and ${unique.length - shown.length} more cases of the same table`);
        lines.push('');
      }
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function check(reqs: Requirement[], listed: ListedTest[], runs: ListedTest[][]): string[] {
  const problems: string[] = [];
  const known = new Map(reqs.map((r) => [r.id, r]));
  const listedIds = new Set(listed.flatMap((t) => t.ids));
  for (const t of listed) {
    if (t.ids.length === 0) problems.push(`test "${t.title}" (${t.file}) names no requirement`);
    for (const id of t.ids) {
      if (!known.has(id)) problems.push(`test "${t.title}" names ${id}, which is not in the catalogue`);
      else if (known.get(id)!.exclusion) problems.push(`test "${t.title}" names ${id}, which the catalogue excludes`);
    }
  }
  const ran = new Set(runs.flat().filter((t) => t.status === 'expected' || t.status === 'unexpected' || t.status === 'flaky').flatMap((t) => t.ids));
  for (const r of reqs) {
    if (r.exclusion) continue;
    if (!listedIds.has(r.id)) problems.push(`${r.id} has neither a test nor an exclusion`);
    else if (runs.length && !ran.has(r.id)) problems.push(`${r.id} is verified by no test that ran on the default target (all were skipped)`);
  }
  return problems;
}

function main(): void {
  const [command, ...args] = process.argv.slice(2);
  const reqs = loadCatalogue();
  const listed = listTests();
  if (command === 'render') {
    const text = render(reqs, listed);
    if (args.includes('--check')) {
      const current = existsSync(SPEC_PATH) ? readFileSync(SPEC_PATH, 'utf8') : '';
      if (current !== text) {
        console.error('docs/SPECIFICATION.md is out of date: run `npm run spec` and commit the result');
        process.exit(1);
      }
      console.log('docs/SPECIFICATION.md is up to date');
      return;
    }
    writeFileSync(SPEC_PATH, text);
    console.log(`wrote docs/SPECIFICATION.md: ${reqs.length} requirements, ${listed.length} tests`);
    return;
  }
  if (command === 'check') {
    const runs = args.map((f) => testsOf(JSON.parse(readFileSync(f, 'utf8'))));
    const problems = check(reqs, listed, runs);
    if (problems.length) {
      console.error(`requirement catalogue: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      process.exit(1);
    }
    const excluded = reqs.filter((r) => r.exclusion).length;
    console.log(`requirement catalogue: ${reqs.length - excluded} verified, ${excluded} excluded, ${listed.length} tests traced`);
    return;
  }
  console.error('usage: tsx scripts/catalogue.ts render [--check] | check <results.json>…');
  process.exit(2);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
