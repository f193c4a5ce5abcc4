/** Reads mock settings from command-line flags and the environment, with a clear error for a bad value. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultSettings, type MockSettings, type Seed } from './domain/types.js';
import { DEVIATIONS } from './domain/deviations.js';

export const DEFAULT_SEED_PATH = fileURLToPath(new URL('../fixtures/mock-seed.json', import.meta.url));

export class SettingsError extends Error {}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SettingsError(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

/** Environment names: MOCK_CONTEXT_CREATION, MOCK_STALE_VERSION_STATUS, SPEC_VERSION, MOCK_DEVIATION. */
export function settingsFrom(
  flags: Record<string, string | undefined> = {},
  env: Record<string, string | undefined> = process.env,
): MockSettings {
  const pick = (flag: string, envName: string) => flags[flag] ?? env[envName];
  const stale = oneOf('stale version status', pick('stale-version-status', 'MOCK_STALE_VERSION_STATUS'), ['404', '409']);
  const deviation = pick('deviation', 'MOCK_DEVIATION') || undefined;
  if (deviation !== undefined && !DEVIATIONS.some((d) => d.name === deviation)) {
    throw new SettingsError(`unknown deviation "${deviation}"; see mock/domain/deviations.ts for the catalogue`);
  }
  return {
    ...defaultSettings,
    contextCreation: oneOf('context creation', pick('context-creation', 'MOCK_CONTEXT_CREATION'), ['cart', 'login']) ?? defaultSettings.contextCreation,
    staleVersionStatus: stale ? (Number(stale) as 404 | 409) : defaultSettings.staleVersionStatus,
    specVersion: oneOf('spec version', pick('spec-version', 'SPEC_VERSION'), ['2026-04', '2022-11']) ?? defaultSettings.specVersion,
    deviation,
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
