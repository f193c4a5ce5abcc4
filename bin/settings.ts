/**
 * The settings of `run`: flags over the environment over ./.env, checked up front so that an error names the flag
 * and the variable at fault (exit 2) instead of surfacing as a hundred failed tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import dotenv from 'dotenv';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export class UsageError extends Error {}

/** Flag → variable, in the order of .env.example. */
const VARIABLES = {
  url: 'EMPORIX_API_URL',
  tenant: 'EMPORIX_TENANT',
  'storefront-client-id': 'EMPORIX_STOREFRONT_CLIENT_ID',
  'client-id': 'EMPORIX_CLIENT_ID',
  'client-secret': 'EMPORIX_CLIENT_SECRET',
  'customer-email': 'EMPORIX_CUSTOMER_EMAIL',
  'customer-password': 'EMPORIX_CUSTOMER_PASSWORD',
  'spec-version': 'SPEC_VERSION',
  'expected-failures': 'CONFORMANCE_BASELINE',
  'report-dir': 'CONFORMANCE_REPORT_DIR',
} as const;
type Flag = keyof typeof VARIABLES;

export function parse(args: string[], options: ParseArgsConfig['options']): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    // node:util names the option at fault ("Unknown option '--urll'", "Option '--port <value>' argument missing").
    throw new UsageError((e as Error).message);
  }
}

/** The settings of a run: flags over the environment over ./.env. Throws UsageError naming the flag and variable. */
export function resolveRun(argv: string[], env: NodeJS.ProcessEnv, cwd: string): { env: Record<string, string>; reportDir: string; playwrightArgs: string[]; live: boolean } {
  const cut = argv.indexOf('--');
  const own = cut === -1 ? argv : argv.slice(0, cut);
  const passthrough = cut === -1 ? [] : argv.slice(cut + 1);
  const options = Object.fromEntries([...Object.keys(VARIABLES), 'grep'].map((k) => [k, { type: 'string' as const }]));
  const values = parse(own, options);
  const dotfile = path.join(cwd, '.env');
  const fromFile = existsSync(dotfile) ? dotenv.parse(readFileSync(dotfile)) : {};
  const base: Record<string, string> = { ...fromFile, ...(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>) };
  const out: Record<string, string> = {};
  const get = (flag: Flag) => {
    const v = values[flag];
    return (typeof v === 'string' ? v : (base[VARIABLES[flag]] ?? '')).trim();
  };
  const name = (flag: Flag) => `--${flag} (${VARIABLES[flag]})`;
  for (const flag of Object.keys(VARIABLES) as Flag[]) out[VARIABLES[flag]] = get(flag);

  const spec = out.SPEC_VERSION || '2026-04';
  if (spec !== '2026-04' && spec !== '2022-11') throw new UsageError(`${name('spec-version')} must be 2026-04 or 2022-11; got "${spec}"`);
  out.SPEC_VERSION = spec;

  const live = !!out.EMPORIX_API_URL;
  if (live) {
    let url: URL | undefined;
    try {
      url = new URL(out.EMPORIX_API_URL);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError(`${name('url')} must be an http(s) URL; got "${out.EMPORIX_API_URL}"`);
    for (const flag of ['tenant', 'storefront-client-id'] as const) if (!out[VARIABLES[flag]]) throw new UsageError(`${name(flag)} is required with --url`);
    for (const [a, b] of [['client-id', 'client-secret'], ['customer-email', 'customer-password']] as const) {
      if (!!out[VARIABLES[a]] !== !!out[VARIABLES[b]]) throw new UsageError(`${name(out[VARIABLES[a]] ? b : a)} is missing: ${name(a)} and ${name(b)} go together`);
    }
  } else if (base.TARGET === 'live') {
    throw new UsageError(`TARGET=live needs ${name('url')}; leave TARGET unset to run against the bundled mock`);
  }

  if (out.CONFORMANCE_BASELINE) {
    const file = path.resolve(cwd, out.CONFORMANCE_BASELINE);
    if (!existsSync(file)) throw new UsageError(`${name('expected-failures')}: no such file ${file}`);
    out.CONFORMANCE_BASELINE = file;
  }
  const reportDir = path.resolve(cwd, out.CONFORMANCE_REPORT_DIR || 'conformance-report');
  if (!path.relative(ROOT, reportDir).startsWith('..') && ROOT.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new UsageError(`${name('report-dir')} ${reportDir} is inside the installed package; choose a folder of your own`);
  }
  out.CONFORMANCE_REPORT_DIR = reportDir;
  const grep = typeof values.grep === 'string' ? ['--grep', values.grep] : [];
  return { env: { ...base, ...out, TARGET: live ? 'live' : 'mock' }, reportDir, playwrightArgs: [...grep, ...passthrough], live };
}

