/**
 * `npm run mock -- [--port N] [--seed FILE] [--context-creation cart|login] [--stale-version-status 404|409]
 *                  [--spec-version 2026-04|2022-11] [--deviation NAME] [--log]`
 * Starts the mock and prints its URL and the seeded credentials (they are test data, not secrets).
 */
import { parseArgs } from 'node:util';
import { startMock } from './app.js';
import { loadSeed, settingsFrom, SettingsError } from './settings.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.MOCK_PORT ?? '4010' },
      seed: { type: 'string' },
      'context-creation': { type: 'string' },
      'stale-version-status': { type: 'string' },
      'spec-version': { type: 'string' },
      deviation: { type: 'string' },
      log: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`--port must be 0..65535; got "${values.port}"`);
  const settings = settingsFrom({
    'context-creation': values['context-creation'],
    'stale-version-status': values['stale-version-status'],
    'spec-version': values['spec-version'],
    deviation: values.deviation,
  });
  const seed = loadSeed(values.seed);
  const mock = await startMock(seed, settings, port, values.log);
  const tenant = seed.tenants[0];
  if (values.json) {
    // One machine-readable line for scripts that start the mock (scripts/check.ts).
    console.log(JSON.stringify({ url: mock.url, settings }));
  } else {
    console.log(`Emporix session mock listening on ${mock.url}`);
    console.log(`settings: ${JSON.stringify(settings)}`);
    console.log('\nTo run the suite against it as a live target, put this in .env:');
    console.log(`EMPORIX_API_URL=${mock.url}`);
    console.log(`EMPORIX_TENANT=${tenant.name}`);
    console.log(`EMPORIX_STOREFRONT_CLIENT_ID=${tenant.storefrontClientIds[0]}`);
    const service = tenant.serviceClients[0];
    if (service) console.log(`EMPORIX_CLIENT_ID=${service.clientId}\nEMPORIX_CLIENT_SECRET=${service.clientSecret}`);
    const customer = tenant.customers.find((c) => c.email.startsWith('test.customer')) ?? tenant.customers[0];
    if (customer) console.log(`EMPORIX_CUSTOMER_EMAIL=${customer.email}\nEMPORIX_CUSTOMER_PASSWORD=${customer.password}`);
    console.log(`SPEC_VERSION=${settings.specVersion}`);
  }
  const stop = () => void mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof SettingsError ? `mock: ${e.message}` : e);
  process.exit(2);
});
