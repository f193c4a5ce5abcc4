/**
 * The conformance reporter: per requirement, does the target conform, deviate, or could it not be told? Prints one
 * block at the end of the run and writes conformance.json (schemas/conformance-report.schema.json) and
 * conformance.md, appended to GITHUB_STEP_SUMMARY when that is set.
 *
 * Everything comes from what the reporter API hands over (annotations, attachments, config metadata), never from
 * this process's state, so the same report comes out of `playwright merge-reports` over sharded blob reports.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { buildReport, parseCoverage, renderConsole, renderMarkdown, type ConformanceReport, type CoverageRecord, type TestOutcome, type TestRecord } from './model.js';
import { catalogue } from '../tests/support/requirements.js';
import { reportDir, suiteInfo, type ConformanceMetadata } from './metadata.js';

export interface ConformanceReporterOptions {
  /** Absolute folder for conformance.json, conformance.md and reproducers/ (default: reports/<REPORT_LABEL>). */
  outputDir?: string;
  /** Print the block at the end of the run (default true). */
  console?: boolean;
}

type Annotation = { type: string; description?: string };

/** "SC-HTTP-02: short text" → {requirement, text}. */
function split(description: string | undefined): { requirement: string; text: string } {
  const m = /^(SC-[A-Z0-9-]+?-\d{2})\s*:\s*([\s\S]*)$/.exec(description ?? '');
  return m ? { requirement: m[1], text: m[2].trim() } : { requirement: '', text: (description ?? '').trim() };
}

function firstLine(error: TestError | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- error messages carry ANSI colour codes.
  const text = (error?.message ?? error?.value ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  return text.split('\n').find((l) => l.trim())?.trim().replace(/^Error: /, '');
}

export default class ConformanceReporter implements Reporter {
  private readonly options: ConformanceReporterOptions;
  private config?: FullConfig;
  private suite?: Suite;
  private readonly errors: string[] = [];
  /** Reproducer text per test id, read while the attachment file still exists. */
  private readonly reproducers = new Map<string, string>();
  private results = 0;

  constructor(options: ConformanceReporterOptions = {}) {
    this.options = options;
  }

  printsToStdio(): boolean {
    return this.options.console !== false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    this.suite = suite;
  }

  onError(error: TestError): void {
    this.errors.push(firstLine(error) ?? 'an error outside any test');
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.results++;
    const attachment = result.attachments.find((a) => a.name === 'reproducer.sh');
    if (!attachment) return;
    try {
      const text = attachment.body ? attachment.body.toString('utf8') : attachment.path ? readFileSync(attachment.path, 'utf8') : undefined;
      if (text) this.reproducers.set(test.id, text);
    } catch {
      // An unreadable attachment only costs the reproducer link; the verdict does not depend on it.
    }
  }

  private record(test: TestCase, dir: string): TestRecord | undefined {
    const result = test.results.at(-1);
    const annotations: Annotation[] = [...test.annotations, ...(result?.annotations ?? [])];
    // Playwright copies test.annotations into result.annotations: deduplicate by content.
    const seen = new Set<string>();
    const unique = annotations.filter((a) => {
      const key = `${a.type}\u0000${a.description ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const of = (type: string) => unique.filter((a) => a.type === type);
    const requirements = [...new Set(of('requirement').map((a) => (a.description ?? '').trim()).filter(Boolean))];
    const violations = of('violation').map((a) => split(a.description)).filter((v) => v.requirement);
    if (!requirements.length && !violations.length) return undefined;

    const status = result?.status;
    let outcome: TestOutcome;
    let reason: string | undefined;
    const inconclusive = of('inconclusive')[0];
    if (!result || status === 'skipped') {
      outcome = inconclusive ? 'inconclusive' : 'skipped';
      reason = inconclusive ? inconclusive.description : [...of('skip'), ...of('fixme')][0]?.description;
    } else if (status === 'interrupted') {
      outcome = 'interrupted';
    } else if (test.expectedStatus === 'failed') {
      outcome = status === 'passed' ? 'stale-baseline' : 'expected-failure';
      reason = status === 'passed' ? 'listed in the baseline, but passed' : firstLine(result.error);
    } else if (status === 'passed') {
      outcome = test.outcome() === 'flaky' ? 'failed' : 'passed';
      if (outcome === 'failed') reason = `flaky: ${firstLine(test.results.find((r) => r.status !== 'passed')?.error) ?? 'failed, then passed on retry'}`;
    } else {
      outcome = 'failed';
      reason = status === 'timedOut' ? `timed out: ${firstLine(result.error) ?? ''}`.trim() : firstLine(result.error);
    }

    let reproducer: string | undefined;
    const text = this.reproducers.get(test.id);
    if (text && (outcome === 'failed' || outcome === 'expected-failure')) {
      const base = `${path.basename(test.location.file).replace(/\.spec\.ts$/, '')}-${test.location.line}-${test.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 50)}`;
      reproducer = `reproducers/${base.replace(/-+$/, '')}-${createHash('sha1').update(test.id).digest('hex').slice(0, 6)}.sh`;
      mkdirSync(path.join(dir, 'reproducers'), { recursive: true });
      writeFileSync(path.join(dir, reproducer), text, { mode: 0o755 });
    }

    const coverage = of('coverage').map((a) => parseCoverage(a.description)).filter((c): c is CoverageRecord => !!c);
    const rootDir = this.config?.rootDir ?? process.cwd();
    const project = test.parent.project()?.name ?? '';
    return {
      title: test.titlePath().slice(3).join(' › ') || test.title,
      // Relative to the folder above the test directory (tests/version.spec.ts), the same on every machine of a merge.
      file: path.relative(path.dirname(rootDir), test.location.file).split(path.sep).join('/'),
      line: test.location.line,
      project,
      requirements,
      outcome,
      ...(reason ? { reason } : {}),
      violations,
      observed: of('observed').map((a) => a.description ?? '').filter(Boolean),
      baseline: of('baseline').map((a) => split(a.description)).map((b) => ({ requirement: b.requirement, reason: b.text })),
      durationMs: Math.round(test.results.reduce((sum, r) => sum + r.duration, 0)),
      ...(reproducer ? { reproducer } : {}),
      ...(coverage.length ? { coverage } : {}),
    };
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    // `--list` and runs stopped before any test: nothing to judge, so nothing to say.
    if (!this.suite || (this.results === 0 && this.errors.length === 0)) return undefined;
    const all = this.suite.allTests();
    const dir = this.options.outputDir ?? reportDir();
    rmSync(path.join(dir, 'reproducers'), { recursive: true, force: true });
    const tests = all.map((t) => this.record(t, dir)).filter((t): t is TestRecord => !!t);
    // A run of the self tests only (no test names a requirement) is no conformance run.
    if (tests.length === 0 && this.errors.length === 0) return undefined;

    const metadata = (this.config?.metadata as { conformance?: ConformanceMetadata } | undefined)?.conformance;
    const max = Number(process.env.CONFORMANCE_MAX_INCONCLUSIVE ?? '0.2');
    const report: ConformanceReport = buildReport({
      catalogue,
      tests,
      errors: this.errors,
      status: result.status,
      startTime: result.startTime,
      durationMs: result.duration,
      target: metadata?.target ?? null,
      suite: metadata?.suite ?? suiteInfo(),
      maxInconclusive: Number.isFinite(max) && max >= 0 && max <= 1 ? max : 0.2,
    });

    mkdirSync(dir, { recursive: true });
    const json = path.join(dir, 'conformance.json');
    const md = path.join(dir, 'conformance.md');
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    const markdown = renderMarkdown(report, path.basename(dir));
    writeFileSync(md, markdown);
    // Quiet runs (CONFORMANCE_CONSOLE=none: the deviation matrix, dozens of them) stay out of the job summary.
    if (process.env.GITHUB_STEP_SUMMARY && this.options.console !== false) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
    if (this.options.console !== false) {
      const rel = (f: string) => path.relative(process.cwd(), f) || f;
      process.stdout.write(`${renderConsole(report, [rel(md), rel(json)])}\n`);
    }
    return report.verdict.status === 'unusable' ? { status: 'failed' } : undefined;
  }
}
