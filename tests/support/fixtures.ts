/**
 * The suite's fixtures, in one place. `target` is worker-scoped: on the default target each worker starts its
 * own bundled mock (so workers never share state); `mockSettings` is an option fixture a spec can override
 * with `test.use()` for the points where correct implementations differ.
 */
import { test as base, type TestInfo } from '@playwright/test';
import { Api, describeExchange, describeFindings, type ApiHooks } from './api.js';
import { SessionLedger } from './ledger.js';
import { Flows } from './flows.js';
import { baselineEntryFor } from './baseline.js';
import { redactText } from './redact.js';
import { reproducer } from './reproducer.js';
import { liveTarget, mockTarget, targetKind, type TargetConfig } from './target.js';
import type { MockSettings } from '../../mock/domain/types.js';

interface WorkerFixtures {
  mockSettings: Partial<MockSettings>;
  target: TargetConfig;
}

interface TestFixtures {
  api: Api;
  flows: Flows;
  baseline: void;
}

/** How the client reports into the running test: redacted steps, inconclusive skips, universal-check failures. */
function hooksFor(testInfo: TestInfo): ApiHooks {
  return {
    step: (title, body) => base.step(title, body, { box: true }),
    inconclusive(reason) {
      const description = redactText(reason);
      testInfo.annotations.push({ type: 'inconclusive', description });
      testInfo.skip(true, `inconclusive: ${description}`);
      throw new Error('unreachable');
    },
    violation(violations, x) {
      for (const v of violations) {
        const description = `${v.requirement}: ${v.text.split('\n')[0]}`;
        if (!testInfo.annotations.some((a) => a.type === 'violation' && a.description === description)) {
          testInfo.annotations.push({ type: 'violation', description });
        }
      }
      x.failed = true;
      throw new Error(`${violations.map((v) => `${v.requirement} violated: ${v.text}`).join('\n')}\n\n${describeExchange(x)}`);
    },
    // The session ledger's findings count against the requirement they name, like SC-HTTP-0N (the reporter's rule).
    finding(findings, x) {
      for (const f of findings) {
        const description = `${f.requirement}: ${redactText(f.text.split('\n')[0]).slice(0, 240)}`;
        if (!testInfo.annotations.some((a) => a.type === 'violation' && a.description?.startsWith(`${f.requirement}:`))) {
          testInfo.annotations.push({ type: 'violation', description });
        }
      }
      x.failed = true;
      throw new Error(describeFindings(findings));
    },
  };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  mockSettings: [{}, { scope: 'worker', option: true }],

  target: [
    async ({ mockSettings }, use) => {
      if (targetKind() === 'live') {
        await use(liveTarget());
        return;
      }
      const [{ startMock }, { loadSeed, settingsFrom }] = await Promise.all([import('../../mock/app.js'), import('../../mock/settings.js')]);
      const settings = { ...settingsFrom({}), ...mockSettings };
      const seed = loadSeed();
      const mock = await startMock(seed, settings);
      await use(mockTarget(mock.url, seed, settings));
      await mock.close();
    },
    { scope: 'worker' },
  ],

  api: async ({ target }, use, testInfo) => {
    testInfo.skip(target.missing.length > 0, `TARGET=live needs ${target.missing.join(', ')}: not set in the environment or .env`);
    const api = new Api(
      { baseURL: target.baseURL, tenant: target.tenant, specVersion: target.specVersion, retries: target.retries, timeoutMs: target.timeoutMs, retryCapMs: target.retryCapMs },
      hooksFor(testInfo),
    );
    // CONFORMANCE_LEDGER=off turns the effect check off (to see what the other checks catch without it).
    if (!/^(off|0|false|no)$/i.test(process.env.CONFORMANCE_LEDGER ?? '')) {
      api.ledger = new SessionLedger({ specVersion: target.specVersion, propagationMs: target.propagationMs, tenant: target.tenant });
    }
    await use(api);
    api.lenient = true;
    if (api.ledger) {
      const { judgedReads, judgedWrites } = api.ledger.stats;
      testInfo.annotations.push({ type: 'ledger', description: `${judgedReads} reads judged the effect of ${judgedWrites} writes` });
    }
    testInfo.annotations.push({ type: 'http-requests', description: String(api.requests) });
    if (testInfo.status !== testInfo.expectedStatus && testInfo.status !== 'skipped' && api.exchanges.length) {
      // The last exchanges, redacted, so a failure can be read without re-running it, and a script that replays it.
      await testInfo.attach('exchanges.txt', { body: api.exchanges.slice(-8).map(describeExchange).join('\n\n'), contentType: 'text/plain' });
      await testInfo.attach('reproducer.sh', { body: reproducer(testInfo.title, api.exchanges, target, api.cleanupFrom), contentType: 'text/x-shellscript' });
    }
  },

  baseline: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring; this one has none.
    async ({}, use, testInfo) => {
      const ids = testInfo.annotations.filter((a) => a.type === 'requirement').map((a) => a.description ?? '');
      const entry = baselineEntryFor(ids, testInfo.title);
      if (entry) {
        testInfo.annotations.push({ type: 'baseline', description: `${entry.requirement}: ${entry.reason}` });
        // Playwright reports a test marked as failing that passes as a failure: that is the stale check.
        testInfo.fail(true, `known deviation of this target (CONFORMANCE_BASELINE): ${entry.reason}`);
      }
      await use();
    },
    { auto: true },
  ],

  flows: async ({ api, target }, use, testInfo) => {
    const flows = new Flows(api, target);
    await use(flows);
    // Teardown runs whether the test passed, failed or was skipped halfway: nothing is left behind.
    const left = await flows.cleanup();
    if (left.length) testInfo.annotations.push({ type: 'residue', description: redactText(left.join('; ')) });
  },
});

export { expect, expectNoSessionData } from './matchers.js';
export { req, record } from './requirements.js';
