/**
 * Which implementation the suite talks to. `TARGET` unset or `mock`: a bundled mock started per worker.
 * `TARGET=live`: the variables below, from the environment or `.env` (see .env.example).
 */
import type { MockSettings, Seed, SpecVersion } from '../../mock/domain/types.js';

export type { SpecVersion } from '../../mock/domain/types.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface TargetConfig {
  kind: 'mock' | 'live';
  baseURL: string;
  tenant: string;
  storefrontClientId: string;
  service?: Credentials;
  /** A service client without sessioncontext.context_manage, for the scope tests (optional on a live target). */
  limitedService?: Credentials;
  customer?: { email: string; password: string };
  specVersion: SpecVersion;
  /** Required variables that are not set; every test is skipped naming them. */
  missing: string[];
  /** Extra attempts for transient answers (429, 502, 503, 504, network failures). */
  retries: number;
  /** Per-request timeout in ms (CONFORMANCE_REQUEST_TIMEOUT_MS). */
  timeoutMs: number;
  /** Longest wait between attempts in ms, whatever Retry-After says (CONFORMANCE_RETRY_CAP_MS). */
  retryCapMs: number;
  /**
   * How long a context the suite has just made exist may stay invisible to reads (CONFORMANCE_PROPAGATION_MS):
   * reads are polled for that long before the suite concludes it is absent. It only delays a verdict.
   */
  propagationMs: number;
  /**
   * How much the generative tests (properties, model) explore (CONFORMANCE_BUDGET): `quick` for a smoke run,
   * `standard` (the default), `deep` for a nightly run. Boundary examples run on every budget; the budget sets the
   * random runs on top. PROPERTY_RUNS, MODEL_RUNS and MODEL_COMMANDS, where set, win.
   */
  budget: BudgetName;
  /** Present on the bundled mock only: what it was seeded with and how it is set. */
  mock?: { seed: Seed; settings: MockSettings };
}

/** A non-negative integer from the environment, or the default; a bad value is a configuration error. */
export function msFrom(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of milliseconds (or retries); got "${raw}"`);
  return n;
}

export const BUDGETS = ['quick', 'standard', 'deep'] as const;
export type BudgetName = (typeof BUDGETS)[number];

/** The named budget from CONFORMANCE_BUDGET; a bad name is a configuration error, not a silent default. */
export function budgetFrom(env: Record<string, string | undefined>): BudgetName {
  const raw = (env.CONFORMANCE_BUDGET ?? '').trim();
  if (raw === '') return 'standard';
  if ((BUDGETS as readonly string[]).includes(raw)) return raw as BudgetName;
  throw new Error(`CONFORMANCE_BUDGET must be one of ${BUDGETS.join(', ')}; got "${raw}"`);
}

function timing(env: Record<string, string | undefined>, live: boolean) {
  return {
    budget: budgetFrom(env),
    retries: msFrom(env, 'CONFORMANCE_RETRIES', 3),
    timeoutMs: msFrom(env, 'CONFORMANCE_REQUEST_TIMEOUT_MS', live ? 10_000 : 5_000),
    retryCapMs: msFrom(env, 'CONFORMANCE_RETRY_CAP_MS', 5_000),
    // The bundled mock makes a context visible at once; a live tenant may lag (BEHAVIOUR.md §3).
    propagationMs: msFrom(env, 'CONFORMANCE_PROPAGATION_MS', live ? 5_000 : 0),
  };
}

export function targetKind(env = process.env): 'mock' | 'live' {
  return env.TARGET === 'live' ? 'live' : 'mock';
}

export function specVersionFrom(env = process.env): SpecVersion {
  return env.SPEC_VERSION === '2022-11' ? '2022-11' : '2026-04';
}

export function liveTarget(env = process.env): TargetConfig {
  const get = (name: string) => (env[name] ?? '').trim() || undefined;
  const missing = ['EMPORIX_API_URL', 'EMPORIX_TENANT', 'EMPORIX_STOREFRONT_CLIENT_ID'].filter((n) => !get(n));
  const clientId = get('EMPORIX_CLIENT_ID');
  const clientSecret = get('EMPORIX_CLIENT_SECRET');
  const limitedId = get('EMPORIX_LIMITED_CLIENT_ID');
  const limitedSecret = get('EMPORIX_LIMITED_CLIENT_SECRET');
  const email = get('EMPORIX_CUSTOMER_EMAIL');
  const password = get('EMPORIX_CUSTOMER_PASSWORD');
  return {
    kind: 'live',
    baseURL: get('EMPORIX_API_URL') ?? 'http://invalid.localhost',
    tenant: get('EMPORIX_TENANT') ?? '',
    storefrontClientId: get('EMPORIX_STOREFRONT_CLIENT_ID') ?? '',
    service: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    limitedService: limitedId && limitedSecret ? { clientId: limitedId, clientSecret: limitedSecret } : undefined,
    customer: email && password ? { email, password } : undefined,
    specVersion: specVersionFrom(env),
    missing,
    ...timing(env, true),
  };
}

export function mockTarget(url: string, seed: Seed, settings: MockSettings, env = process.env): TargetConfig {
  const tenant = seed.tenants[0];
  const [service, noScope] = [
    tenant.serviceClients.find((c) => c.scopes.includes('sessioncontext.context_manage')),
    tenant.serviceClients.find((c) => !c.scopes.includes('sessioncontext.context_manage')),
  ];
  const customer = tenant.customers.find((c) => c.email.startsWith('test.customer')) ?? tenant.customers[0];
  return {
    kind: 'mock',
    baseURL: url,
    tenant: tenant.name,
    storefrontClientId: tenant.storefrontClientIds[0],
    service: service && { clientId: service.clientId, clientSecret: service.clientSecret },
    limitedService: noScope && { clientId: noScope.clientId, clientSecret: noScope.clientSecret },
    customer: customer && { email: customer.email, password: customer.password },
    specVersion: settings.specVersion,
    missing: [],
    ...timing(env, false),
    mock: { seed, settings },
  };
}
