/**
 * Budgets, HTTP call counting and replayable failure reports for the generative tests (issue 10 §2, §3).
 *
 * Budgets come from settings so that a live tenant gets few calls and the bundled mock many: a named budget
 * (CONFORMANCE_BUDGET=quick|standard|deep, per target kind, table below), or exactly PROPERTY_RUNS (random runs per
 * property), MODEL_RUNS (runs per model test), MODEL_COMMANDS (most commands per run), which win where set.
 * A property's boundary examples (one per input class) run first on every budget; the budget counts the random runs
 * on top of them, and the test records which classes it sent (a `coverage` annotation).
 * A failure names its seed and path; PROPERTY_SEED/PROPERTY_PATH or MODEL_SEED/MODEL_PATH replay exactly it.
 */
import fc from 'fast-check';
import type { TestInfo } from '@playwright/test';
import type { Api, Exchange } from '../api.js';
import type { BudgetName, TargetConfig } from '../target.js';
import { defaultSettings } from '../../../mock/domain/types.js';

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

/**
 * Random runs per named budget and target kind. A live target is someone's tenant: `standard` keeps a property to
 * its boundary examples plus a few random runs, so a live run stays near 20 HTTP calls per test on average; `deep`
 * is for a nightly run. On the bundled mock calls are cheap and the random runs are where shrinking finds bugs.
 */
export const BUDGET_TABLE: Record<BudgetName, Record<TargetConfig['kind'], { propertyRuns: number; modelRuns: number; modelCommands: number; timeLimit: number }>> = {
  quick: { live: { propertyRuns: 2, modelRuns: 1, modelCommands: 6, timeLimit: 120_000 }, mock: { propertyRuns: 30, modelRuns: 20, modelCommands: 10, timeLimit: 30_000 } },
  standard: { live: { propertyRuns: 4, modelRuns: 3, modelCommands: 8, timeLimit: 240_000 }, mock: { propertyRuns: 120, modelRuns: 100, modelCommands: 14, timeLimit: 60_000 } },
  deep: { live: { propertyRuns: 40, modelRuns: 12, modelCommands: 12, timeLimit: 900_000 }, mock: { propertyRuns: 600, modelRuns: 400, modelCommands: 20, timeLimit: 300_000 } },
};

function budgetRow(target: TargetConfig) {
  return BUDGET_TABLE[target.budget ?? 'standard'][target.kind];
}

export function propertyBudget(target: TargetConfig): Budget {
  const row = budgetRow(target);
  return { runs: int('PROPERTY_RUNS', row.propertyRuns), commands: 0, timeLimit: row.timeLimit };
}

export function modelBudget(target: TargetConfig): Budget {
  const row = budgetRow(target);
  return { runs: int('MODEL_RUNS', row.modelRuns), commands: int('MODEL_COMMANDS', row.modelCommands), timeLimit: row.timeLimit };
}

/** A boundary example of a generator: a value of one input class, sent first whatever the budget. */
export interface Example<T> {
  class: string;
  value: T;
}

/**
 * Which input classes a generative test sent. The classes are those of its boundary examples; every input actually
 * sent (random ones too) is labelled by `classify`, so a class that the run never reached (it stopped at a failure,
 * or the target turned inconclusive) is named in the report, not assumed.
 */
export class Coverage<T> {
  private readonly sent = new Map<string, number>();
  /** Classes this target cannot reach, and why (the model's absence class where contexts come at anonymous login). */
  private readonly unreachable = new Map<string, string>();

  constructor(
    readonly examples: Example<T>[],
    private readonly classify: (value: T) => string[],
  ) {}

  /** The classes this generator promises to send: those of its examples, in order. */
  get classes(): string[] {
    return [...new Set(this.examples.map((e) => e.class))];
  }

  /** Call when an input is about to be sent. */
  saw(value: T): void {
    const exact = this.examples.find((e) => e.value === value);
    for (const c of new Set([...(exact ? [exact.class] : []), ...this.classify(value)])) this.sent.set(c, (this.sent.get(c) ?? 0) + 1);
  }

  /** A class the target's own answers made impossible to reach; named apart from the classes never sent, with why. */
  excuse(cls: string, why: string): void {
    this.unreachable.set(cls, why);
  }

  summary(): { line: string; missing: string[] } {
    const classes = this.classes;
    const absent = classes.filter((c) => !this.sent.has(c));
    const missing = absent.filter((c) => !this.unreachable.has(c));
    const excused = absent.filter((c) => this.unreachable.has(c));
    const covered = classes.filter((c) => this.sent.has(c));
    const line =
      `${covered.length}/${classes.length} classes: ${covered.map((c) => `${c}×${this.sent.get(c)}`).join(', ')}` +
      `${missing.length ? `; never sent: ${missing.join(', ')}` : ''}` +
      `${excused.length ? `; not reachable here: ${excused.map((c) => `${c} (${this.unreachable.get(c)})`).join(', ')}` : ''}`;
    return { line, missing };
  }

  /** The `coverage` annotation, and the console line unless GENERATIVE_QUIET=1. */
  record(testInfo: TestInfo, what: string): void {
    const { line } = this.summary();
    testInfo.annotations.push({ type: 'coverage', description: `${what}: ${line}` });
    if (process.env.GENERATIVE_QUIET !== '1') console.log(`[coverage] ${what}: ${line}`);
  }
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
    s.contextCreation !== defaultSettings.contextCreation ? `MOCK_CONTEXT_CREATION=${String(s.contextCreation)}` : '',
    s.staleVersionStatus !== defaultSettings.staleVersionStatus ? `MOCK_STALE_VERSION_STATUS=${String(s.staleVersionStatus)}` : '',
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
  coverage?: { of: Coverage<T>; what: string },
): Promise<{ runs: number; seed: number }> {
  const seed = seedFor(names.seed, testInfo.title);
  const path = process.env[names.path] || undefined;
  const examples = (coverage?.of.examples ?? []).map((e): [T] => [e.value]);
  let result: fc.RunDetails<[T]>;
  try {
    result = await fc.check(property, {
      seed,
      path,
      // The examples come first (fast-check counts them among numRuns), then the budget's random runs. A replay path
      // indexes the same stream, examples included.
      examples,
      numRuns: path ? 1 : examples.length + budget.runs,
      interruptAfterTimeLimit: budget.timeLimit,
      markInterruptAsFailure: false,
      // One run is a handful of HTTP calls; shrinking is bounded by the same time limit.
    });
  } finally {
    coverage?.of.record(testInfo, coverage.what);
  }
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
