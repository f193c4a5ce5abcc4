import { defineConfig } from '@playwright/test';
import dotenv from 'dotenv';
import path from 'node:path';
import { conformanceMetadata, reportDir } from './reporter/metadata.js';

// TARGET=live reads .env and the environment (the environment wins); the default target needs nothing.
dotenv.config({ quiet: true });

const spec = process.env.SPEC_VERSION;
if (spec && spec !== '2026-04' && spec !== '2022-11') {
  console.error(`SPEC_VERSION must be 2026-04 or 2022-11; got "${spec}"`);
  process.exit(2);
}
const label = process.env.REPORT_LABEL ?? 'default';
// Absolute from the working directory, so an installed copy (node_modules) never writes into itself.
// CONFORMANCE_REPORT_DIR overrides reports/<label>; the test output then goes below it.
const reports = reportDir();
const outputDir = process.env.CONFORMANCE_REPORT_DIR ? path.join(reports, 'test-results') : path.resolve(process.cwd(), 'test-results', label);

if (process.env.TARGET === 'live' && !process.env.TEST_WORKER_INDEX) {
  // Said once, up front: which cases will be skipped for want of which variable (each skip also names it).
  const needs: [string[], string][] = [
    [['EMPORIX_API_URL', 'EMPORIX_TENANT', 'EMPORIX_STOREFRONT_CLIENT_ID'], 'every test'],
    [['EMPORIX_CLIENT_ID', 'EMPORIX_CLIENT_SECRET'], 'the management-endpoint tests'],
    [['EMPORIX_CUSTOMER_EMAIL', 'EMPORIX_CUSTOMER_PASSWORD'], 'the customer tests'],
  ];
  for (const [names, what] of needs) {
    const missing = names.filter((n) => !(process.env[n] ?? '').trim());
    if (missing.length) console.log(`TARGET=live: ${missing.join(', ')} not set; ${what} will be skipped (see .env.example)`);
  }
}

export default defineConfig({
  testDir: './tests',
  // One folder per label: runs with different labels (the matrix, npm test, shards) never clear each other's output.
  outputDir,
  forbidOnly: true,
  fullyParallel: true,
  // Measured: on the bundled mock one worker is fastest (a worker's start costs more than the tests it would share).
  // A live target is latency-bound (wall time ≈ calls × latency ÷ workers): at 100 ms, 2 workers took 214 s, 4 took 120 s.
  workers: process.env.TARGET === 'live' ? 4 : 1,
  // A conformance verdict is not retried into a pass; transient gateway answers are retried in the client.
  retries: 0,
  // The client bounds each request (CONFORMANCE_REQUEST_TIMEOUT_MS) and its retries well below this, so a slow or
  // silent target makes a test inconclusive rather than a timeout; a live tenant gets more room for its latency.
  timeout: process.env.TARGET === 'live' ? 90_000 : 30_000,
  // A live target is tried once before any test (tests/support/preflight.ts): an unusable one ends the run at once.
  globalSetup: './tests/support/preflight.ts',
  // CONFORMANCE_CONSOLE=dot|list|none picks the console reporter; the files always land in reports/<REPORT_LABEL>/.
  // CONFORMANCE_REPORTS=json keeps only the JSON file (the deviation matrix runs the suite dozens of times).
  reporter: [
    ...(process.env.CONFORMANCE_CONSOLE === 'none' ? [] : [[process.env.CONFORMANCE_CONSOLE === 'dot' ? 'dot' : 'list'] as [string]]),
    ['json', { outputFile: path.join(reports, 'results.json') }],
    ...(process.env.CONFORMANCE_REPORTS === 'json'
      ? []
      : [
          ['junit', { outputFile: path.join(reports, 'junit.xml') }] as [string, object],
          ['html', { outputFolder: path.join(reports, 'html'), open: 'never' }] as [string, object],
        ]),
    // The per-requirement verdicts (conformance.json, conformance.md) and the block that ends the console output.
    ['./reporter/conformance.ts', { outputDir: reports, console: process.env.CONFORMANCE_CONSOLE !== 'none' }],
  ],
  // Read by the conformance reporter, also when it runs in `merge-reports` over the blob reports of shards.
  metadata: { conformance: conformanceMetadata() },
  use: { trace: 'off' },
  projects: [
    { name: 'conformance', testMatch: /tests\/[^/]+\.spec\.ts$/ },
    { name: 'self', testMatch: /tests\/self\/.+\.spec\.ts$/ },
  ],
});
