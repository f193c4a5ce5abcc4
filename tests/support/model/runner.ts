/**
 * Budgets, HTTP call counting and replayable failure reports for the generative tests (issue 10 §2, §3).
 *
 * Budgets come from settings so that a live tenant gets few calls and the bundled mock many:
 *   PROPERTY_RUNS (runs per property), MODEL_RUNS (runs per model test), MODEL_COMMANDS (most commands per run).
 * A failure names its seed and path; PROPERTY_SEED/PROPERTY_PATH or MODEL_SEED/MODEL_PATH replay exactly it.
 */
import fc from 'fast-check';
import type { TestInfo } from '@playwright/test';
import type { Api, Exchange } from '../api.js';
import type { TargetConfig } from '../target.js';

export interface Budget {
  runs: number;
  commands: number;
  /** Wall-clock cap for one fast-check run (search and shrinking together), in ms. */
  timeLimit: number;
}

function int(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function propertyBudget(target: TargetConfig): Budget {
  const live = target.kind === 'live';
  return { runs: int('PROPERTY_RUNS', live ? 10 : 120), commands: 0, timeLimit: live ? 240_000 : 60_000 };
}

export function modelBudget(target: TargetConfig): Budget {
  const live = target.kind === 'live';
  return { runs: int('MODEL_RUNS', live ? 3 : 100), commands: int('MODEL_COMMANDS', live ? 8 : 14), timeLimit: live ? 240_000 : 60_000 };
}

/** Counts every HTTP call made through `api` (helpers call `this.send`, so one wrapper sees them all). */
export function countCalls(api: Api): { readonly count: number } {
  const counter = { count: 0 };
  const send = api.send.bind(api);
  api.send = (async (...args: Parameters<Api['send']>) => {
    counter.count++;
    return send(...args);
  }) as Api['send'];
  return counter;
}

/** The environment that selects the same target again: on the bundled mock its settings, on live the .env. */
export function replayEnv(target: TargetConfig): string {
  const s = target.mock?.settings as (Record<string, unknown> & { deviation?: string }) | undefined;
  if (!s) return 'TARGET=live ';
  const parts = [
    s.deviation ? `MOCK_DEVIATION=${s.deviation}` : '',
    s.contextCreation !== 'cart' ? `MOCK_CONTEXT_CREATION=${String(s.contextCreation)}` : '',
    s.staleVersionStatus !== 404 ? `MOCK_STALE_VERSION_STATUS=${String(s.staleVersionStatus)}` : '',
    target.specVersion !== '2026-04' ? `SPEC_VERSION=${target.specVersion}` : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join(' ')} ` : '';
}

/** A stable default seed per test title, so that a plain run is reproducible; `random` explores. */
export function seedFor(envName: string, title: string): number {
  const v = process.env[envName];
  if (v === 'random') return Math.floor(Math.random() * 2 ** 31);
  if (v !== undefined && v !== '' && Number.isInteger(Number(v))) return Number(v);
  let h = 2166136261;
  for (const c of title) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h | 0;
}

export interface ReplayNames {
  seed: string;
  path: string;
  runs: string;
}

/**
 * The api layer turns persisting transient answers into an inconclusive skip (an annotation and a thrown skip).
 * Inside fast-check that throw would read as a failure and start shrinking: the guard absorbs it, lets the remaining
 * runs pass without a request, and rethrows it once fast-check is done, so the test is skipped, not failed.
 */
export class InconclusiveGuard {
  private error?: { value: unknown };

  constructor(private readonly testInfo: TestInfo) {}

  get tripped(): boolean {
    return this.error !== undefined;
  }

  absorb(e: unknown): boolean {
    if (!this.testInfo.annotations.some((a) => a.type === 'inconclusive')) return false;
    this.error ??= { value: e };
    return true;
  }

  rethrow(): void {
    if (this.error) throw this.error.value;
  }
}

/** Records the figures of a generative test: runs, commands, HTTP calls and wall time, in the report and the console. */
export function recordFigures(testInfo: TestInfo, what: string, figures: Record<string, number | string>): void {
  const line = Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ');
  testInfo.annotations.push({ type: 'generative', description: `${what}: ${line}` });
  if (process.env.GENERATIVE_QUIET !== '1') console.log(`[generative] ${what}: ${line}`);
}

/**
 * Runs a property with the seed and path from the environment, and turns a failure into one readable message:
 * the seed, the path, the shrunk counterexample (by `show`), the failing run's exchanges and the replay line.
 */
export async function checkProperty<T>(
  testInfo: TestInfo,
  names: ReplayNames,
  property: fc.IAsyncPropertyWithHooks<[T]> | fc.IAsyncProperty<[T]>,
  budget: Budget,
  show: (value: T) => string,
  lastFailure: () => { exchanges: Exchange[]; describe: (x: Exchange) => string } | undefined,
  inconclusive?: InconclusiveGuard,
  target?: TargetConfig,
): Promise<{ runs: number; seed: number }> {
  const seed = seedFor(names.seed, testInfo.title);
  const path = process.env[names.path] || undefined;
  const result = await fc.check(property, {
    seed,
    path,
    numRuns: path ? 1 : budget.runs,
    interruptAfterTimeLimit: budget.timeLimit,
    markInterruptAsFailure: false,
    // One run is a handful of HTTP calls; shrinking is bounded by the same time limit.
  });
  inconclusive?.rethrow();
  if (!result.failed) return { runs: result.numRuns, seed };
  const counterexample = result.counterexample?.[0];
  const failure = lastFailure();
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  const message = [
    `property failed after ${result.numRuns} run(s), ${result.numShrinks} shrink(s)`,
    `seed ${result.seed}, path ${result.counterexamplePath}`,
    '',
    'counterexample (shrunk):',
    counterexample === undefined ? '  (none)' : show(counterexample).split('\n').map((l) => `  ${l}`).join('\n'),
    '',
    'what is wrong:',
    error.split('\n').map((l) => `  ${l}`).join('\n'),
    ...(failure ? ['', 'exchanges of the failing run (redacted):', ...failure.exchanges.map((x, i) => `  ${i + 1}. ${failure.describe(x).split('\n').join('\n     ')}`)] : []),
    '',
    `replay: ${target ? replayEnv(target) : ''}${names.seed}=${result.seed} ${names.path}='${result.counterexamplePath}' npx playwright test --project=conformance ${testInfo.file.replace(/^.*?tests\//, 'tests/')} -g ${JSON.stringify(testInfo.title)}`,
  ].join('\n');
  blame(testInfo, error);
  throw new Error(message);
}

/**
 * A generative test names many requirements; its counterexample says which one broke. Those named in the failure
 * (and tagged on the test) become `violation` annotations, so the report blames them, not every tag.
 */
export function blame(testInfo: TestInfo, failure: string): void {
  const tagged = new Set(testInfo.annotations.filter((a) => a.type === 'requirement').map((a) => a.description));
  const named = [...new Set(failure.match(/SC-[A-Z0-9]+(?:-[A-Z0-9]+)*-\d{2}/g) ?? [])].filter((id) => tagged.has(id));
  for (const id of named) {
    const line = failure.split('\n').find((l) => l.includes(id))?.trim() ?? '';
    const description = `${id}: ${line.slice(0, 160)}`;
    if (!testInfo.annotations.some((a) => a.type === 'violation' && a.description?.startsWith(`${id}:`))) testInfo.annotations.push({ type: 'violation', description });
  }
}
