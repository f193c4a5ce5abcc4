/**
 * Model-based stateful runs (issue 10 §3): random sequences of commands on fresh sessions, checked after every
 * command against a model of the documented semantics (tests/support/model/commands.ts). Where the documents are
 * silent the model re-reads the target and adopts its answer, so a correct implementation never fails here.
 *
 * Budget: MODEL_RUNS runs of at most MODEL_COMMANDS commands (generous on the bundled mock, small on a live target).
 * A failure prints the minimal command sequence as numbered steps with each exchange (redacted) and the replay line
 * (MODEL_SEED=… MODEL_PATH=…).
 */
import fc from 'fast-check';
import { req, test } from './support/fixtures.js';
import { describeExchange, type Api, type Exchange } from './support/api.js';
import { siteValuesOf, writeBody, type BodySpec, type SiteValues } from './support/generators.js';
import {
  attributeDeleteCommand,
  attributePostCommand,
  burstCommand,
  cartCommand,
  getCommand,
  loginCommand,
  patchCommand,
  putCommand,
  refreshCommand,
  validPatch,
  type Command,
  type Model,
  type Real,
  type SessionModel,
  type Step,
  type Writer,
} from './support/model/commands.js';
import type { Ctx } from './support/model/oracle.js';
import { blame, countCalls, Coverage, InconclusiveGuard, modelBudget, recordFigures, replayEnv, seedFor } from './support/model/runner.js';

const generative = (...ids: string[]) => {
  const r = req(...ids);
  return { tag: [...r.tag, '@generative'], annotation: r.annotation };
};

const NAME_POOL = ['color', 'size', 'promo', 'note', 'flag'];
const AWKWARD_POOL = ['ü-name', '__proto__', 'a.b'];

/**
 * The classes the model exists for, that no property sends: states only a sequence reaches. Each has a boundary
 * example (a short command sequence) that runs first on every budget; every command run, random ones too, is labelled
 * by the state it met, so the `coverage` annotation says which classes the run really reached.
 */
const MODEL_CLASSES = {
  /** PUT ?upsert=true with the version a write before it made stale (SC-MGMT-PUT-03, -07: an update like any other). */
  staleUpsert: 'stale-upsert-after-write',
  /** A refresh with custom attributes and a cart present: both stay (SC-LIFE-09, -10). */
  refreshKeeps: 'refresh-keeps-attributes-and-cart',
  /** A login with custom attributes and a cart present: both stay (SC-LIFE-02, -08). */
  loginKeeps: 'login-keeps-attributes-and-cart',
  /** An attribute POST racing a PATCH that sends no map: the attribute survives, the PATCH wins (SC-ATTR-06, SC-VERSION-09). */
  mixedBurst: 'burst-attribute-beside-patch',
  /** A PATCH where no context exists: 404, none made (SC-404-02). Open whether anonymous login makes one (BEHAVIOUR.md §3). */
  absence: 'patch-without-context',
} as const;

const hasAttributes = (ctx: Ctx | undefined) => !!ctx && typeof ctx.context === 'object' && ctx.context !== null && Object.keys(ctx.context).length > 0;
const isStale = (b: BodySpec) => b.kind === 'object' && b.metadata.kind === 'object' && b.metadata.key === 'metadata' && b.metadata.version.kind === 'delta' && b.metadata.version.delta < 0;
const sendsMap = (b: BodySpec) => b.kind === 'object' && b.fields.some(([k]) => k === 'context');

/** A well-formed PATCH/PUT body: the site's own currency with the stored version, or one below it. */
function sitePatch(sites: SiteValues, version: 'current' | 'stale'): BodySpec {
  return {
    kind: 'object',
    fields: [['currency', sites.currency[0] ?? 'EUR']],
    metadata: { kind: 'object', key: 'metadata', version: version === 'current' ? { kind: 'current' } : { kind: 'delta', delta: -1 }, extra: {} },
  };
}

/** An exchange as a failure shows it: redacted, long bodies cut (the site list of a cart creation is not the point). */
function showExchange(x: Exchange): string {
  const lines = describeExchange(x).split('\n');
  const shown = lines.length > 24 ? [...lines.slice(0, 20), `          … (${lines.length - 20} more lines)`] : lines;
  return `     ${shown.join('\n     ')}`;
}

function showStep(step: Step, i: number): string {
  const lines = [`${i + 1}. ${step.title}${step.verdict ? '   ✗' : ''}`];
  for (const x of step.exchanges) lines.push(showExchange(x));
  if (step.checks.length && !step.verdict) lines.push(`     (then ${step.checks.length} re-read(s): every session agrees with the model)`);
  else for (const x of step.checks) lines.push(showExchange(x));
  if (step.verdict) lines.push(`   ✗ ${step.verdict.split('\n').join('\n     ')}`);
  return lines.join('\n');
}

const IDS = [
  'SC-HTTP-01', 'SC-GET-01', 'SC-GET-02', 'SC-READ-01', 'SC-ISOLATION-01', 'SC-INPUT-03', 'SC-404-01', 'SC-404-02', 'SC-404-03', 'SC-CART-01',
  'SC-PATCH-01', 'SC-PATCH-02', 'SC-PATCH-WHITELIST-01', 'SC-PATCH-WHITELIST-02', 'SC-PATCH-WHITELIST-03', 'SC-PATCH-WHITELIST-04',
  'SC-PATCH-IGNORED-01', 'SC-PATCH-IGNORED-02', 'SC-PATCH-IGNORED-03', 'SC-PATCH-IGNORED-06', 'SC-PATCH-CONTEXT-01',
  'SC-VERSION-01', 'SC-VERSION-02', 'SC-VERSION-03', 'SC-VERSION-05', 'SC-VERSION-07', 'SC-VERSION-09',
  'SC-MGMT-PUT-01', 'SC-MGMT-PUT-02', 'SC-MGMT-PUT-03', 'SC-MGMT-PUT-04', 'SC-MGMT-PUT-05', 'SC-MGMT-PUT-07',
  'SC-MGMT-ATTR-01', 'SC-MGMT-ATTR-02', 'SC-MGMT-ATTR-03', 'SC-MGMT-ATTR-04', 'SC-ATTR-01', 'SC-ATTR-02', 'SC-ATTR-03', 'SC-ATTR-04', 'SC-ATTR-06',
  'SC-LIFE-04', 'SC-LIFE-05', 'SC-LIFE-09', 'SC-LIFE-10',
];
const LOGIN_IDS = ['SC-LIFE-01', 'SC-LIFE-02', 'SC-LIFE-03', 'SC-LIFE-08', 'SC-MGMT-PUT-06', 'SC-MGMT-PUT-08'];

for (const withLogin of [false, true]) {
  const title = withLogin
    ? 'a session that logs in as the test customer, under random command sequences, always agrees with the documented model'
    : 'an anonymous session and a managed one, under random command sequences, always agree with the documented model';
  test(title, generative(...IDS, ...(withLogin ? LOGIN_IDS : [])), async ({ api, flows, target }, testInfo) => {
    if (withLogin) flows.requireCustomer();
    const budget = modelBudget(target);
    test.setTimeout(budget.timeLimit + 120_000);
    const calls = countCalls(api);
    const started = Date.now();
    const service = target.service ? await flows.serviceToken() : undefined;
    const first = await flows.anonymous();
    const sites = siteValuesOf(await flows.sites(first.token));
    const spec = target.specVersion;

    const real: Real = { api, flows, target, service, sites, steps: [], run: [], setup: [] };
    const send = api.send.bind(api);
    api.send = (async (...args: Parameters<Api['send']>) => {
      const x: Exchange = await send(...args);
      real.run.push(x);
      return x;
    }) as Api['send'];

    const classes = [MODEL_CLASSES.absence, MODEL_CLASSES.staleUpsert, MODEL_CLASSES.mixedBurst, withLogin ? MODEL_CLASSES.loginKeeps : MODEL_CLASSES.refreshKeeps];
    const coverage = new Coverage<string>(classes.map((c) => ({ class: c, value: c })), (c) => [c]);
    // Each command is labelled by the model state it meets when it runs (after its precondition held).
    const classed = (c: Command, classify: (m: Model) => (string | false)[]): Command => {
      const run = c.run.bind(c);
      c.run = async (m: Model, r: Real) => {
        for (const k of classify(m)) if (k) coverage.saw(k);
        return run(m, r);
      };
      return c;
    };
    const patch = (b: BodySpec) => classed(patchCommand(b, sites), (m) => [!m.A.ctx && MODEL_CLASSES.absence]);
    const put = (l: 'A' | 'M', b: BodySpec, upsert: boolean, saas: boolean) =>
      classed(putCommand(l, b, upsert, saas, sites), (m) => {
        const s = l === 'A' ? m.A : m.M;
        return [!!service && upsert && isStale(b) && Number(s?.ctx?.metadata?.version) > 1 && MODEL_CLASSES.staleUpsert];
      });
    const refresh = () => classed(refreshCommand(), (m) => [m.A.hasCart && hasAttributes(m.A.ctx) && MODEL_CLASSES.refreshKeeps]);
    const login = () => classed(loginCommand(), (m) => [m.A.hasCart && hasAttributes(m.A.ctx) && MODEL_CLASSES.loginKeeps]);
    const burstOf = (ws: Writer[]) =>
      classed(burstCommand(ws, sites), () => [ws.some((w) => w.kind === 'patch' && !sendsMap(w.body)) && ws.some((w) => w.kind === 'post') && MODEL_CLASSES.mixedBurst]);

    const label = fc.constantFrom<'A' | 'M'>(...(service ? (['A', 'M'] as const) : (['A'] as const)));
    const route = fc.constantFrom<'own' | 'management'>(...(service ? (['own', 'management'] as const) : (['own'] as const)));
    const putBody = writeBody(sites).map((b): BodySpec => (b.kind === 'object' ? { ...b, fields: b.fields.filter(([k]) => k !== 'sessionId' && k !== 'customerId') } : b));
    const value = fc.oneof(fc.string({ maxLength: 6 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 4 }), { maxKeys: 2, noNullPrototype: true }));
    const name = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...NAME_POOL) }, { weight: 1, arbitrary: fc.constantFrom(...AWKWARD_POOL) });
    const attributeWriters = fc.uniqueArray(
      fc.record({ name: fc.constantFrom(...NAME_POOL), route, op: fc.constantFrom('post', 'post', 'delete'), value }).map((w): Writer => (w.op === 'post' ? { kind: 'post', route: w.route, name: w.name, value: w.value } : { kind: 'delete', route: w.route, name: w.name })),
      { minLength: 1, maxLength: 4, selector: (w) => (w as { name: string }).name },
    );
    const burst = fc.oneof(
      fc.array(validPatch(sites, spec, true), { minLength: 2, maxLength: 4 }).map((bs): Writer[] => bs.map((body) => ({ kind: 'patch', body }))),
      // Writers of different kinds with one version, in either order: which one the target sees first is the race.
      fc.tuple(validPatch(sites, spec, true), validPatch(sites, spec, true), fc.boolean()).map(([a, b, putFirst]): Writer[] => {
        const pair: Writer[] = service ? [{ kind: 'patch', body: a }, { kind: 'put', body: b }] : [{ kind: 'patch', body: a }, { kind: 'patch', body: b }];
        return putFirst ? pair.reverse() : pair;
      }),
      ...(service ? [fc.array(validPatch(sites, spec, true), { minLength: 2, maxLength: 3 }).map((bs): Writer[] => bs.map((body) => ({ kind: 'put', body })))] : []),
      attributeWriters.filter((ws) => ws.length >= 2),
      fc.tuple(validPatch(sites, spec, false), attributeWriters).map(([body, ws]): Writer[] => [{ kind: 'patch', body }, ...ws]),
      fc.tuple(fc.array(validPatch(sites, spec, false), { minLength: 2, maxLength: 3 }), attributeWriters).map(([bs, ws]): Writer[] => [...bs.map((body): Writer => ({ kind: 'patch', body })), ...ws]),
    );
    // Without a service client (live, credentials not set) the management commands are left out, not filtered.
    const management: fc.Arbitrary<Command>[] = service
      ? [
          label.map((l) => getCommand(l, 'management')),
          fc.tuple(label, putBody, fc.boolean(), fc.boolean()).map(([l, b, upsert, saas]) => put(l, b, upsert, saas)),
          fc.tuple(label, validPatch(sites, spec, true), fc.boolean(), fc.boolean()).map(([l, b, upsert, saas]) => put(l, b, upsert, saas)),
        ]
      : [];
    const commands: fc.Arbitrary<Command>[] = [
      fc.constant(getCommand('A', 'own')),
      ...management,
      writeBody(sites).map(patch),
      writeBody(sites).map(patch),
      validPatch(sites, spec, true).map(patch),
      validPatch(sites, spec, true).map(patch),
      fc.tuple(label, route, name, value).map(([l, r, n, v]) => attributePostCommand(l, r, n, v)),
      fc.tuple(label, route, name, value).map(([l, r, n, v]) => attributePostCommand(l, r, n, v)),
      fc.tuple(label, route, name).map(([l, r, n]) => attributeDeleteCommand(l, r, n)),
      fc.constant(cartCommand()),
      fc.constant(0).map(refresh),
      burst.map(burstOf),
      burst.map(burstOf),
      ...(withLogin ? [fc.constant(0).map(login), fc.constant(0).map(login)] : []),
    ];

    let failing: { steps: Step[]; setup: string[] } | undefined;
    const seen = { contextBeforeCart: 0, noContext: 0 };
    const setup = async (withCart: boolean): Promise<{ model: Model; real: Real }> => {
      real.steps = [];
      real.run.length = 0;
      const anon = await flows.anonymous();
      const A: SessionModel = { label: 'A', sessionId: anon.sessionId, kind: 'anonymous', anonymous: anon, token: anon.token, refreshToken: anon.refreshToken, hasCart: false };
      real.setup = [`A: anonymous login, session ${anon.sessionId}`];
      if (withCart) {
        const cartId = await flows.createCart(anon.token);
        if (target.kind === 'live') await flows.waitForContext(anon.token);
        A.hasCart = true;
        real.setup.push(`A: cart ${cartId} created`);
      }
      // Read by id first: a context the own GET then shows must have been there before it (SC-READ-01).
      const byId = service ? await api.getContext(service, anon.sessionId) : undefined;
      // Whether anonymous login made a context is open (BEHAVIOUR.md §3), and a new one may show late: "none" only
      // after the propagation bound (flows.settled), for A and M at once.
      const other = async (): Promise<SessionModel | undefined> => {
        if (!service) return undefined;
        const o = await flows.anonymous();
        const g = await flows.settled(() => api.getContext(service, o.sessionId));
        real.setup.push(`M: anonymous login (no cart), session ${o.sessionId}; management GET answered ${g.status}${g.status === 404 && target.propagationMs ? ` for ${target.propagationMs} ms` : ''}`);
        return { label: 'M', sessionId: o.sessionId, kind: 'anonymous', hasCart: false, ctx: g.status === 200 ? (g.json as Ctx) : undefined };
      };
      const [a, M] = await Promise.all([flows.settled(() => api.getOwnContext(anon.token)), other()]);
      A.ctx = a.status === 200 ? (a.json as Ctx) : undefined;
      if (!withCart && A.ctx) seen.contextBeforeCart++;
      else if (!withCart) seen.noContext++;
      real.setup.splice(withCart ? 2 : 1, 0, `A: ${byId ? `management GET answered ${byId.status}, then ` : ''}GET own context answered ${a.status}${a.status === 404 && target.propagationMs ? ` for ${target.propagationMs} ms` : ''}`);
      // Only where reads are immediately consistent: a live target may lag right after creation (BEHAVIOUR.md §3).
      const consistent = target.kind === 'mock' && !(target.mock?.settings as { contextLagMs?: number } | undefined)?.contextLagMs;
      if (consistent && byId && (byId.status === 200) !== (a.status === 200)) {
        failing = { steps: [], setup: [...real.setup] };
        throw new Error(`the management GET answered ${byId.status} and the own GET right after it ${a.status}: a read created or removed the context (SC-READ-01)`);
      }
      return { model: { A, M }, real };
    };

    const inconclusive = new InconclusiveGuard(testInfo);
    // MODEL_PATH is fast-check's path, then `@` and the command list's own replay path (fc.commands needs both).
    const [pathPart, replayPath] = (process.env.MODEL_PATH ?? '').split('@');
    // The boundary examples run first on every budget (fast-check counts them among numRuns); a replay path indexes
    // the same stream, examples included. Two runs: absence needs a session without a cart; the other classes share
    // one sequence on one cart session, each step leaving the state the next class needs (a version a write made
    // stale, a map the burst's POST filled), so a live run pays one setup for three classes. A failing example's
    // commands are not shrunk (fast-check shrinks commands only with the context it generated them in), only withCart.
    const examples: [boolean, Command[]][] = [
      [false, [patch(sitePatch(sites, 'current'))]],
      [
        true,
        [
          patch(sitePatch(sites, 'current')),
          put('A', sitePatch(sites, 'stale'), true, false),
          burstOf([{ kind: 'patch', body: sitePatch(sites, 'current') }, { kind: 'post', route: 'own', name: 'note', value: 'beside a PATCH' }]),
          withLogin ? login() : refresh(),
        ],
      ],
    ];
    const property = fc.asyncProperty(fc.boolean(), fc.commands(commands, { maxCommands: budget.commands, replayPath: replayPath || undefined }), async (withCart, cmds) => {
      if (inconclusive.tripped) return;
      try {
        await fc.asyncModelRun(() => setup(withCart), cmds);
      } catch (e) {
        if (inconclusive.absorb(e)) return;
        failing = { steps: [...real.steps], setup: [...real.setup] };
        throw e;
      }
    });

    const seed = seedFor('MODEL_SEED', testInfo.title);
    const path = pathPart || undefined;
    let result: fc.RunDetails<[boolean, Iterable<fc.AsyncCommand<Model, Real, boolean>>]>;
    try {
      result = await fc.check(property, { seed, path, examples, numRuns: path ? 1 : examples.length + budget.runs, interruptAfterTimeLimit: budget.timeLimit, markInterruptAsFailure: false });
    } finally {
      if (!service) coverage.excuse(MODEL_CLASSES.staleUpsert, 'no service client: management credentials not set');
      // Whether anonymous login makes a context is open (BEHAVIOUR.md §3): where every session had one before its cart, none lacks one.
      if (seen.contextBeforeCart && !seen.noContext) coverage.excuse(MODEL_CLASSES.absence, 'every session had a context before its first cart');
      coverage.record(testInfo, withLogin ? 'model with login' : 'model');
    }
    const figures = { seed, runs: result.numRuns, maxCommands: budget.commands, httpCalls: calls.count, ms: Date.now() - started };
    recordFigures(testInfo, withLogin ? 'model with login' : 'model', figures);
    inconclusive.rethrow();
    if (!result.failed) return;
    const steps = failing?.steps ?? [];
    const commandsReplay = /replayPath="([^"]*)"/.exec(String(result.counterexample?.[1]))?.[1] ?? '';
    blame(testInfo, [...steps.map(showStep), result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)].join('\n'));
    throw new Error(
      [
        `the target left the documented model after ${result.numRuns} run(s), ${result.numShrinks} shrink(s); minimal sequence, ${steps.length} step(s):`,
        '',
        'setup (a fresh run):',
        ...(failing?.setup ?? []).map((l) => `   ${l}`),
        '',
        ...steps.map(showStep),
        ...(steps.some((st) => st.verdict) ? [] : ['', `✗ ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`]),
        '',
        `replay: ${replayEnv(target)}MODEL_SEED=${result.seed} MODEL_PATH='${result.counterexamplePath}@${commandsReplay}' npx playwright test --project=conformance tests/model.spec.ts -g ${JSON.stringify(withLogin ? 'logs in as the test customer' : 'an anonymous session and a managed one')}`,
      ].join('\n'),
    );
  });
}
