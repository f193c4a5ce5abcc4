/**
 * .github/workflows/conformance.yml holds together: the events of issue 9 §3, shards with blob reports merged by
 * the conformance reporter, staging secrets used only on a live run and a clean skip without them, and the job's
 * result taken from conformance.json. YAML parsing plus structure; the schema lint is `npx @action-validator/cli`.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { parse } from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix: Record<string, unknown>; 'fail-fast'?: boolean };
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

const text = readFileSync(new URL('../../.github/workflows/conformance.yml', import.meta.url), 'utf8');
const workflow = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
const runOf = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

test.describe('CI workflow', () => {
  test('runs on pull requests, on a schedule and on demand, with read-only permissions', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'schedule', 'workflow_dispatch']));
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  test('pull requests run npm test, and the suite on the bundled mock', () => {
    const self = workflow.jobs['self-test'];
    expect(self.if).toContain("github.event_name == 'pull_request'");
    expect(runOf(self)).toMatch(/^npm ci$/m);
    expect(runOf(self)).toMatch(/^npm test$/m);
    expect(pkg.scripts.test).toBeTruthy();
    expect(workflow.jobs.plan.steps[0].run).toMatch(/pull_request.*target=mock/);
  });

  test('staging secrets reach only a live run, and their absence skips it with a notice', () => {
    const plan = workflow.jobs.plan.steps[0];
    expect(plan.env?.HAS_STAGING).toMatch(/secrets\.EMPORIX_API_URL != ''/);
    expect(plan.run).toMatch(/HAS_STAGING" != true \]; then\s+run=false\s+echo "::notice/);
    const suite = workflow.jobs.suite;
    expect(suite.if).toBe("needs.plan.outputs.run == 'true'");
    const secretVars = Object.entries(suite.env ?? {}).filter(([, v]) => String(v).includes('secrets.'));
    expect(secretVars.map(([k]) => k)).toEqual(expect.arrayContaining(['EMPORIX_API_URL', 'EMPORIX_TENANT', 'EMPORIX_STOREFRONT_CLIENT_ID', 'EMPORIX_CLIENT_SECRET']));
    for (const [name, value] of secretVars) expect(value, name).toMatch(/^\$\{\{ needs\.plan\.outputs\.target == 'live' && secrets\.[A-Z_]+ \|\| '' \}\}$/);
    // No other job sees a secret except through the plan's yes/no.
    for (const [name, job] of Object.entries(workflow.jobs)) if (name !== 'suite' && name !== 'plan') expect(JSON.stringify(job), name).not.toContain('secrets.');
  });

  test('shards write blob reports that one job merges into the conformance report, the summary and artifacts', () => {
    const suite = workflow.jobs.suite;
    expect(suite.strategy?.matrix.shard).toBe('${{ fromJSON(needs.plan.outputs.shards) }}');
    expect(suite.strategy?.['fail-fast']).toBe(false);
    const shard = suite.steps.find((s) => s.run?.includes('playwright test'));
    expect(shard?.run).toContain('--shard=${{ matrix.shard }}/${{ needs.plan.outputs.total }}');
    expect(shard?.run).toContain('--reporter=blob');
    expect(shard?.run).toContain('--project=conformance');
    expect(shard?.['continue-on-error']).toBe(true);
    const blobDir = shard?.env?.PLAYWRIGHT_BLOB_OUTPUT_DIR;
    const upload = suite.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.path).toBe(`${blobDir}/`);
    expect(upload?.with?.name).toBe('blob-report-${{ matrix.shard }}');

    const report = workflow.jobs.report;
    expect(report.needs).toEqual(['plan', 'suite']);
    const download = report.steps.find((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(download?.with).toMatchObject({ pattern: 'blob-report-*', 'merge-multiple': true });
    const merge = report.steps.find((s) => s.run?.includes('merge-reports'));
    expect(merge?.run).toBe(`npx playwright merge-reports --config playwright.config.ts ${download?.with?.path}`);
    const label = merge?.env?.REPORT_LABEL;
    const kept = report.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(kept?.with?.path).toBe(`reports/${label}/`);
    expect(kept?.if).toBe('${{ !cancelled() }}');
    const verdict = report.steps.at(-1);
    expect(verdict?.run).toContain(`reports/${label}/conformance.json`);
    expect(verdict?.run).toContain('process.exit(r.verdict.exitCode)');
  });

  test('every action is pinned to a major version', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      for (const s of job.steps) if (s.uses) expect(s.uses, name).toMatch(/^actions\/[a-z-]+@v\d+$/);
    }
  });
});
