/**
 * Which implementation the suite talks to. `TARGET` unset or `mock`: a bundled mock started per worker.
 * `TARGET=live`: the variables below, from the environment or `.env` (see .env.example).
 */
import type { MockSettings, Seed } from '../../mock/domain/types.js';

export type SpecVersion = '2026-04' | '2022-11';

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
  customer?: { email: string; password: string };
  specVersion: SpecVersion;
  /** Required variables that are not set; every test is skipped naming them. */
  missing: string[];
  /** Bounded retries of transient gateway answers: only worth it on a live target. */
  retries: number;
  /** Present on the bundled mock only: what it was seeded with and how it is set. */
  mock?: { seed: Seed; settings: MockSettings; noScopeService?: Credentials };
}

export const LIVE_VARIABLES = [
  'EMPORIX_API_URL',
  'EMPORIX_TENANT',
  'EMPORIX_STOREFRONT_CLIENT_ID',
  'EMPORIX_CLIENT_ID',
  'EMPORIX_CLIENT_SECRET',
  'EMPORIX_CUSTOMER_EMAIL',
  'EMPORIX_CUSTOMER_PASSWORD',
  'SPEC_VERSION',
] as const;

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
  const email = get('EMPORIX_CUSTOMER_EMAIL');
  const password = get('EMPORIX_CUSTOMER_PASSWORD');
  return {
    kind: 'live',
    baseURL: get('EMPORIX_API_URL') ?? 'http://invalid.localhost',
    tenant: get('EMPORIX_TENANT') ?? '',
    storefrontClientId: get('EMPORIX_STOREFRONT_CLIENT_ID') ?? '',
    service: clientId && clientSecret ? { clientId, clientSecret } : undefined,
    customer: email && password ? { email, password } : undefined,
    specVersion: specVersionFrom(env),
    missing,
    retries: 2,
  };
}

export function mockTarget(url: string, seed: Seed, settings: MockSettings): TargetConfig {
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
    customer: customer && { email: customer.email, password: customer.password },
    specVersion: settings.specVersion,
    missing: [],
    retries: 0,
    mock: { seed, settings, noScopeService: noScope && { clientId: noScope.clientId, clientSecret: noScope.clientSecret } },
  };
}
