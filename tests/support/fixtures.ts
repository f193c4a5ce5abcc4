/**
 * The suite's fixtures, in one place. `target` is worker-scoped: on the default target each worker starts its
 * own bundled mock (so workers never share state); `mockSettings` is an option fixture a spec can override
 * with `test.use()` for the points where correct implementations differ.
 */
import { test as base } from '@playwright/test';
import { Api, describeExchange } from './api.js';
import { Flows } from './flows.js';
import { baselineEntryFor } from './baseline.js';
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

  api: async ({ request, target }, use, testInfo) => {
    testInfo.skip(target.missing.length > 0, `TARGET=live needs ${target.missing.join(', ')}: not set in the environment or .env`);
    const api = new Api(request, { baseURL: target.baseURL, tenant: target.tenant, retries: target.retries });
    await use(api);
    if (testInfo.status !== testInfo.expectedStatus && api.exchanges.length) {
      // The last exchanges, redacted, so a failure can be read without re-running it.
      await testInfo.attach('exchanges.txt', { body: api.exchanges.slice(-8).map(describeExchange).join('\n\n'), contentType: 'text/plain' });
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

  flows: async ({ api, target }, use) => {
    const flows = new Flows(api, target);
    await use(flows);
    await flows.cleanup();
  },
});

export { expect, expectNoSessionData } from './matchers.js';
export { req, record } from './requirements.js';
