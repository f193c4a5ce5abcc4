import { defineConfig } from '@playwright/test';
import dotenv from 'dotenv';

// TARGET=live reads .env and the environment (the environment wins); the default target needs nothing.
dotenv.config({ quiet: true });

const spec = process.env.SPEC_VERSION;
if (spec && spec !== '2026-04' && spec !== '2022-11') {
  console.error(`SPEC_VERSION must be 2026-04 or 2022-11; got "${spec}"`);
  process.exit(2);
}
const label = process.env.REPORT_LABEL ?? 'default';

export default defineConfig({
  testDir: './tests',
  forbidOnly: true,
  fullyParallel: true,
  workers: process.env.TARGET === 'live' ? 2 : undefined,
  // A conformance verdict is not retried into a pass; transient gateway answers are retried in the client.
  retries: 0,
  timeout: 30_000,
  reporter: [
    ['list'],
    ['junit', { outputFile: `reports/${label}/junit.xml` }],
    ['html', { outputFolder: `reports/${label}/html`, open: 'never' }],
    ['json', { outputFile: `reports/${label}/results.json` }],
  ],
  use: { trace: 'off' },
  projects: [
    { name: 'conformance', testMatch: /tests\/[^/]+\.spec\.ts$/ },
    { name: 'self', testMatch: /tests\/self\/.+\.spec\.ts$/ },
  ],
});
