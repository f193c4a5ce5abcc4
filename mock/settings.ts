/** Reads mock settings from command-line flags and the environment, with a clear error naming the flag. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultSettings, type MockSettings, type Seed } from './domain/types.js';
import { isDeviationName } from './domain/deviations.js';

export const DEFAULT_SEED_PATH = fileURLToPath(new URL('../fixtures/mock-seed.json', import.meta.url));

export class SettingsError extends Error {}

/** Every setting: its flag, its environment name, and how a value is read. */
export const SETTING_NAMES = {
  'context-creation': 'MOCK_CONTEXT_CREATION',
  'stale-version-status': 'MOCK_STALE_VERSION_STATUS',
  'spec-version': 'SPEC_VERSION',
  deviation: 'MOCK_DEVIATION',
  latency: 'MOCK_LATENCY',
  'rate-limit': 'MOCK_RATE_LIMIT',
  'gateway-errors': 'MOCK_GATEWAY_ERRORS',
  'network-resets': 'MOCK_NETWORK_RESETS',
  'context-lag': 'MOCK_CONTEXT_LAG',
  'random-seed': 'MOCK_RANDOM_SEED',
  residue: 'MOCK_RESIDUE',
  'token-prefix': 'MOCK_TOKEN_PREFIX',
  cors: 'MOCK_CORS',
  'strict-shapes': 'MOCK_STRICT_SHAPES',
  'put-saas-token': 'MOCK_PUT_SAAS_TOKEN',
} as const;
type Flag = keyof typeof SETTING_NAMES;

const label = (flag: Flag) => `--${flag} (${SETTING_NAMES[flag]})`;

function oneOf<T extends string>(flag: Flag, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SettingsError(`${label(flag)} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

function share(flag: Flag, value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new SettingsError(`${label(flag)} must be a share between 0 and 1, e.g. 0.03; got "${value}"`);
  return n;
}

function integer(flag: Flag, value: string | undefined, fallback: number, max: number, what: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new SettingsError(`${label(flag)} must be ${what} from 0 to ${max}; got "${value}"`);
  return n;
}

function flag(name: Flag, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new SettingsError(`${label(name)} must be 1, true, 0 or false; got "${value}"`);
}

function tokenPrefix(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(value)) throw new SettingsError(`${label('token-prefix')} must be 1 to 32 letters, digits, _ or -; got "${value}"`);
  return value;
}

/** '*', 'off', or a comma-separated list of origins (scheme://host[:port], no path). */
function cors(value: string | undefined): string {
  if (value === undefined || value === '') return defaultSettings.cors;
  if (value === '*' || value === 'off') return value;
  const origins = value.split(',').map((o) => o.trim());
  const bad = origins.find((o) => !/^https?:\/\/[^/\s,]+$/.test(o));
  if (bad !== undefined) throw new SettingsError(`${label('cors')} must be *, off or origins such as http://localhost:3000 (comma-separated, no path); got "${value}"`);
  return origins.join(',');
}

/** Flags win over the environment (names in SETTING_NAMES). */
export function settingsFrom(
  flags: Partial<Record<Flag, string>> = {},
  env: Record<string, string | undefined> = process.env,
): MockSettings {
  const pick = (name: Flag) => flags[name] ?? env[SETTING_NAMES[name]];
  const stale = oneOf('stale-version-status', pick('stale-version-status'), ['404', '409']);
  const deviation = pick('deviation') || undefined;
  if (deviation !== undefined && !isDeviationName(deviation)) {
    throw new SettingsError(`${label('deviation')}: unknown deviation "${deviation}"; see mock/domain/deviations.ts for the catalogue`);
  }
  return {
    ...defaultSettings,
    contextCreation: oneOf('context-creation', pick('context-creation'), ['cart', 'login']) ?? defaultSettings.contextCreation,
    staleVersionStatus: stale ? (Number(stale) as 404 | 409) : defaultSettings.staleVersionStatus,
    specVersion: oneOf('spec-version', pick('spec-version'), ['2026-04', '2022-11']) ?? defaultSettings.specVersion,
    deviation,
    latencyMs: integer('latency', pick('latency'), 0, 60_000, 'milliseconds'),
    rateLimit: share('rate-limit', pick('rate-limit')),
    gatewayErrors: share('gateway-errors', pick('gateway-errors')),
    networkResets: share('network-resets', pick('network-resets')),
    contextLagMs: integer('context-lag', pick('context-lag'), 0, 600_000, 'milliseconds'),
    randomSeed: integer('random-seed', pick('random-seed'), defaultSettings.randomSeed, 2 ** 32 - 1, 'an integer'),
    residue: flag('residue', pick('residue')),
    tokenPrefix: tokenPrefix(pick('token-prefix')),
    cors: cors(pick('cors')),
    strictShapes: flag('strict-shapes', pick('strict-shapes')),
    putSaasToken: oneOf('put-saas-token', pick('put-saas-token'), ['customer', 'always']) ?? defaultSettings.putSaasToken,
  };
}

export function loadSeed(path = DEFAULT_SEED_PATH): Seed {
  let seed: unknown;
  try {
    seed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SettingsError(`cannot read seed file ${path}: ${(e as Error).message}`);
  }
  const tenants = (seed as Seed | undefined)?.tenants;
  if (!Array.isArray(tenants) || tenants.length === 0) {
    throw new SettingsError(`seed file ${path} must hold a non-empty "tenants" array`);
  }
  return seed as Seed;
}
