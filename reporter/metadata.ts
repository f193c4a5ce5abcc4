/**
 * What the run was pointed at, recorded in the Playwright config's `metadata` so that the conformance report of a
 * merged (sharded) run still knows it: the reporter of a merge never sees the shards' environment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteInfo, TargetInfo } from './model.js';
import { defaultSettings } from '../mock/domain/types.js';

export interface ConformanceMetadata {
  suite: SuiteInfo;
  target: TargetInfo;
}

/** Scheme, host and path only: user info, query and fragment can carry credentials. */
export function safeUrl(raw: string | undefined): string | null {
  const value = (raw ?? '').trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

export function suiteInfo(): SuiteInfo {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

function seedTenant(): string | null {
  try {
    const seed = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/mock-seed.json', import.meta.url)), 'utf8')) as { tenants?: { name?: string }[] };
    return seed.tenants?.[0]?.name ?? null;
  } catch {
    return null;
  }
}

export function conformanceMetadata(env: NodeJS.ProcessEnv = process.env): ConformanceMetadata {
  const live = env.TARGET === 'live';
  const get = (name: string) => (env[name] ?? '').trim();
  return {
    suite: suiteInfo(),
    target: {
      kind: live ? 'live' : 'mock',
      url: live ? safeUrl(env.EMPORIX_API_URL) : null,
      tenant: live ? get('EMPORIX_TENANT') || null : seedTenant(),
      specVersion: get('SPEC_VERSION') || '2026-04',
      mock: live
        ? null
        : {
            contextCreation: get('MOCK_CONTEXT_CREATION') || defaultSettings.contextCreation,
            staleVersionStatus: get('MOCK_STALE_VERSION_STATUS') || String(defaultSettings.staleVersionStatus),
            deviation: get('MOCK_DEVIATION') || null,
            // Every MOCK_* variable set (latency, rate limits, …), as given.
            variables: Object.fromEntries(Object.keys(env).filter((k) => k.startsWith('MOCK_') && get(k)).sort().map((k) => [k, get(k)])),
          },
      baseline: get('CONFORMANCE_BASELINE') ? path.basename(get('CONFORMANCE_BASELINE')) : null,
    },
  };
}

/** Where the reports go: CONFORMANCE_REPORT_DIR, else reports/<REPORT_LABEL>; absolute from the working directory. */
export function reportDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = (env.CONFORMANCE_REPORT_DIR ?? '').trim() || path.join('reports', env.REPORT_LABEL || 'default');
  return path.resolve(process.cwd(), dir);
}
