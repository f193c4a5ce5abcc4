/**
 * `npm run mock -- [options]`: starts the mock and prints its URL and the seeded credentials (test data, not
 * secrets). `--help` lists the options. It closes and exits on SIGTERM, SIGINT and SIGHUP, and with
 * `--exit-with-parent` also when its stdin closes (the process that started it went away).
 */
import { parseArgs } from 'node:util';
import { startMock } from './app.js';
import { generateCustomers } from './customers.js';
import { loadSeed, settingsFrom, SettingsError, SETTING_NAMES } from './settings.js';

const HELP = `Usage: npm run mock -- [options]

  --port N                      port on 127.0.0.1 (0: a free one; default 4010, MOCK_PORT)
  --seed FILE                   seed file (default fixtures/mock-seed.json)
  --customers N                 add N generated customers (seeded by --random-seed) and print their credentials
  --context-creation login|cart when a context is created: at anonymous login (default; what clients written for
                                real tenants rely on) or at the first cart (MOCK_CONTEXT_CREATION)
  --stale-version-status 404|409  answer to a stale metadata.version (MOCK_STALE_VERSION_STATUS; default 404)
  --spec-version 2026-04|2022-11  contract (SPEC_VERSION; default 2026-04)
  --deviation NAME              a deliberate departure from mock/domain/deviations.ts (MOCK_DEVIATION)

For client developers:
  --cors ORIGIN|*|off           CORS for browser storefronts: * (default) allows any origin, or a comma-separated
                                list of origins; off sends no CORS header (MOCK_CORS)
  --strict-shapes               token answers carry only the current documented field names: no session_id beside
                                sessionId, no deprecated camelCase customer-token fields (MOCK_STRICT_SHAPES=1)
  --put-saas-token customer|always  when a management PUT needs saas-token: for a customer's context (default, as
                                documented) or always, refused before the body is read (seen live) (MOCK_PUT_SAAS_TOKEN)

Real-world conditions, all off by default, seeded so that a run repeats:
  --latency MS                  every answer is delayed MS milliseconds (MOCK_LATENCY)
  --rate-limit SHARE            that share (0..1) of requests gets 429 with Retry-After: 1, before any processing
                                (MOCK_RATE_LIMIT)
  --gateway-errors SHARE        that share gets 503 with Retry-After: 1 (any method) or 504 (GET), before any
                                processing (MOCK_GATEWAY_ERRORS)
  --network-resets SHARE        that share has its connection destroyed before any processing (MOCK_NETWORK_RESETS)
  --context-lag MS              a newly created context answers 404 to reads for MS milliseconds (MOCK_CONTEXT_LAG)
  --random-seed N               seed of the generator that picks the requests hit (MOCK_RANDOM_SEED; default 1)

Reporting and process:
  --residue                     serve GET /__mock/residue (no auth, never hit by a condition): what clients left
                                behind, as JSON {anonymousSessions, contexts, attributes: [{sessionId, names}],
                                contextsWithoutSession, carts, customerTokens} (MOCK_RESIDUE=1)
  --exit-with-parent            exit when stdin closes
  --json                        print one JSON line {url, settings} instead of the .env lines
  --log                         log every request
  --help                        this text`;

/** Settings given as bare flags (`--residue`); their environment variables take 1 or 0. */
const BOOLEAN_FLAGS: readonly string[] = ['residue', 'strict-shapes'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.MOCK_PORT ?? '4010' },
      seed: { type: 'string' },
      customers: { type: 'string' },
      ...Object.fromEntries(Object.keys(SETTING_NAMES).filter((f) => !BOOLEAN_FLAGS.includes(f)).map((f) => [f, { type: 'string' as const }])),
      residue: { type: 'boolean' },
      'strict-shapes': { type: 'boolean' },
      'exit-with-parent': { type: 'boolean', default: false },
      log: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`--port (MOCK_PORT) must be 0..65535; got "${values.port}"`);
  const flags = Object.fromEntries(Object.keys(SETTING_NAMES).map((f) => [f, values[f as keyof typeof values]]).filter(([, v]) => v !== undefined).map(([f, v]) => [f, String(v)]));
  const settings = settingsFrom(flags);
  const seed = loadSeed(values.seed);
  const tenant = seed.tenants[0];
  const count = values.customers === undefined ? 0 : Number(values.customers);
  if (!Number.isInteger(count) || count < 0 || count > 100_000) throw new SettingsError(`--customers must be 0..100000; got "${values.customers}"`);
  const generated = generateCustomers(tenant, count, { seed: settings.randomSeed });
  tenant.customers.push(...generated);

  const mock = await startMock(seed, settings, port, values.log);
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    if (!values.json) console.log(`mock: ${why}, closing`);
    // Exit even if a client keeps a connection open (forceCloseConnections covers keep-alive; this covers the rest).
    setTimeout(() => process.exit(0), 2000).unref();
    void mock.close().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  if (values['exit-with-parent']) {
    process.stdin.on('end', () => stop('stdin closed')).on('close', () => stop('stdin closed')).resume();
  }

  if (values.json) {
    // One machine-readable line for scripts that start the mock (scripts/check.ts).
    console.log(JSON.stringify({ url: mock.url, settings, pid: process.pid }));
    return;
  }
  console.log(`Emporix session mock listening on ${mock.url}`);
  console.log(`settings: ${JSON.stringify(settings)}`);
  if (settings.residue) console.log(`residue report: ${mock.url}/__mock/residue`);
  console.log('\nTo run the suite against it as a live target, put this in .env:');
  console.log(`EMPORIX_API_URL=${mock.url}`);
  console.log(`EMPORIX_TENANT=${tenant.name}`);
  console.log(`EMPORIX_STOREFRONT_CLIENT_ID=${tenant.storefrontClientIds[0]}`);
  const service = tenant.serviceClients[0];
  if (service) console.log(`EMPORIX_CLIENT_ID=${service.clientId}\nEMPORIX_CLIENT_SECRET=${service.clientSecret}`);
  const customer = tenant.customers.find((c) => c.email.startsWith('test.customer')) ?? tenant.customers[0];
  if (customer) console.log(`EMPORIX_CUSTOMER_EMAIL=${customer.email}\nEMPORIX_CUSTOMER_PASSWORD=${customer.password}`);
  console.log(`SPEC_VERSION=${settings.specVersion}`);
  if (generated.length) {
    console.log(`\n${generated.length} generated customers (seed ${settings.randomSeed}; tenant ${tenant.name}):`);
    console.log('email\tpassword\tpreferredSite\tpreferredCurrency\taddresses');
    for (const c of generated) {
      const addresses = (c.profile.addresses ?? []).map((a) => `${a.country}:${(a.tags ?? []).join('+')}${a.isDefault ? '*' : ''}`).join(' ');
      console.log(`${c.email}\t${c.password}\t${c.profile.preferredSite ?? '-'}\t${c.profile.preferredCurrency ?? '-'}\t${addresses || '-'}`);
    }
  }
}

main().catch((e: unknown) => {
  const usage = e instanceof SettingsError || String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
  console.error(usage ? `mock: ${(e as Error).message} (see --help)` : e);
  process.exit(2);
});
