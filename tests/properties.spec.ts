/**
 * Property-based bad input (issue 10 §2): generated hostile and odd requests on every write operation, own and
 * management, on anonymous, customer and service tokens. For each request the documents decide (see
 * tests/support/model/oracle.ts) whether it must be accepted, rejected, or may be either; then:
 * never a 5xx; a rejected write changes nothing; an accepted write changes exactly what the documents say; another
 * session never changes; a name that was stored can be deleted by that name.
 *
 * Seeded and reproducible: a failure prints the seed, the path, the shrunk request and the replay line
 * (PROPERTY_SEED=… PROPERTY_PATH=…). PROPERTY_RUNS sets the runs per property.
 */
import fc from 'fast-check';
import { expect, req, test } from './support/fixtures.js';
import { describeExchange, type Api, type Exchange } from './support/api.js';
import { saasTokenDemanded, type Flows } from './support/flows.js';
import type { TargetConfig } from './support/target.js';
import {
  attributeBody,
  attributeBodyExamples,
  classifyAttributeBody,
  classifyContentType,
  classifyLoginParams,
  classifyWriteBody,
  contentType,
  dozensOfAttributes,
  isOwnLoginValue,
  LOGIN_PARAMETERS,
  loginParams,
  loginParamsExamples,
  writeBodyExamples,
  encodingOpen,
  hasPrototypeKey,
  isPlainName,
  oddQuery,
  queryOpen,
  parsedBody,
  renderBody,
  showBody,
  siteValuesOf,
  writeBody,
  type BodySpec,
  type LoginParams,
  type SiteValues,
} from './support/generators.js';
import { attributeOf, checkWrite, depthOf, differences, expectAttributePost, expectPatch, expectPut, type Ctx } from './support/model/oracle.js';
import { checkProperty, countCalls, Coverage, InconclusiveGuard, propertyBudget, recordFigures, type Example } from './support/model/runner.js';
import { defaultSiteOf } from './support/sites.js';
import type { TestInfo } from '@playwright/test';

const NAMES = { seed: 'PROPERTY_SEED', path: 'PROPERTY_PATH', runs: 'PROPERTY_RUNS' };
const generative = (...ids: string[]) => {
  const r = req(...ids);
  return { tag: [...r.tag, '@generative'], annotation: r.annotation };
};

interface Subject {
  who: 'anonymous' | 'customer';
  token: string;
  sessionId: string;
  saasToken?: string;
}

interface World {
  api: Api;
  flows: Flows;
  target: TargetConfig;
  subjects: Subject[];
  bystander: Subject;
  bystanderBefore: Ctx;
  service?: string;
  /** Tokens of the wrong kind beyond the three: a logged-out customer's and a service token without the scope. */
  extra: { revoked?: string; limited?: string };
  sites: SiteValues;
  /** Exchanges of the run in progress, and of the last run that failed. */
  run: Exchange[];
  failed?: Exchange[];
  inconclusive: InconclusiveGuard;
}

/** Sessions for one property: an anonymous and (where a test customer is set) a customer context, and a bystander. */
async function world(api: Api, flows: Flows, target: TargetConfig, needService: boolean, testInfo: TestInfo): Promise<World> {
  const anonymous = await flows.withContext();
  const subjects: Subject[] = [{ who: 'anonymous', token: anonymous.token, sessionId: anonymous.sessionId }];
  if (target.customer) {
    const before = await flows.withContext();
    const customer = await flows.customer(target.customer, before);
    subjects.push({ who: 'customer', token: customer.token, sessionId: customer.sessionId ?? before.sessionId, saasToken: customer.saasToken });
  }
  const other = await flows.withContext();
  expect(await api.addOwnAttribute(other.token, { key: 'bystander', value: { untouched: 'yes' } })).toHaveStatus(201);
  const bystander: Subject = { who: 'anonymous', token: other.token, sessionId: other.sessionId };
  const service = needService && target.service ? await flows.serviceToken() : undefined;
  const extra: World['extra'] = {};
  if (needService) {
    if (target.customer) {
      // A customer token that has been logged out (SC-AUTH-04).
      const gone = await flows.customer(target.customer, await flows.anonymous());
      expect(await api.customerLogout(gone.token)).toHaveStatus(204);
      flows.forgetCustomer(gone.token);
      extra.revoked = gone.token;
    }
    if (target.limitedService) {
      const res = await api.serviceToken(target.limitedService.clientId, target.limitedService.clientSecret);
      if (res.status === 200) extra.limited = (res.json as { access_token: string }).access_token;
    }
  }
  return { api, flows, target, subjects, bystander, bystanderBefore: await flows.context(other.token), service, extra, sites: siteValuesOf(await flows.sites(anonymous.token)), run: [], inconclusive: new InconclusiveGuard(testInfo) };
}

/** Wraps `api.send` so that each run's exchanges are kept for the failure report. */
function recordRuns(w: World): void {
  const send = w.api.send.bind(w.api);
  w.api.send = (async (...args: Parameters<Api['send']>) => {
    const x = await send(...args);
    w.run.push(x);
    return x;
  }) as Api['send'];
}

async function read(w: World, s: Subject): Promise<Ctx> {
  // A 404 is taken for absence only after the propagation bound (flows.settled): a lost context still fails, later.
  const res = await w.flows.settled(() => w.api.getOwnContext(s.token));
  if (res.status !== 200) throw new Error(`GET own context of the ${s.who} session answered ${res.status}, expected 200\n${describeExchange(res)}`);
  return res.json as Ctx;
}

async function readManaged(w: World, s: Subject): Promise<Ctx> {
  const res = await w.flows.settled(() => w.api.getContext(w.service!, s.sessionId));
  if (res.status !== 200) throw new Error(`management GET of the ${s.who} session answered ${res.status}, expected 200\n${describeExchange(res)}`);
  return res.json as Ctx;
}

/** Another session never changes (SC-ISOLATION-01). */
async function bystanderProblems(w: World): Promise<string[]> {
  const now = await read(w, w.bystander);
  return differences(now, w.bystanderBefore).map((d) => `another session's context changed: ${d}`);
}

function fail(problems: string[], x: Exchange): void {
  if (problems.length) throw new Error(`${problems.join('\n')}\n\nthe request:\n${describeExchange(x)}`);
}

const tenantPath = (w: World) => `/session-context/${w.api.tenant}`;

function setupRun(w: World): void {
  w.run.length = 0;
}

function failed(w: World): () => { exchanges: Exchange[]; describe: (x: Exchange) => string } | undefined {
  return () => (w.failed ? { exchanges: w.failed.slice(-8), describe: describeExchange } : undefined);
}

/** Runs the body of a property run, keeping its exchanges when it fails. */
async function guarded(w: World, body: () => Promise<void>): Promise<void> {
  if (w.inconclusive.tripped) return;
  setupRun(w);
  try {
    await body();
  } catch (e) {
    if (w.inconclusive.absorb(e)) return;
    w.failed = [...w.run];
    throw e;
  }
}

function showWrite(method: string, path: string, who: string, ct: string, body: BodySpec, extra = ''): string {
  return [`${method} ${path}   (${who}${who.includes('token') ? '' : ' token'}${extra})`, `content-type: ${ct}`, showBody(body, 1), '(metadata.version shown for a stored version of 1; the run used the stored one)'].join('\n');
}

/** The PATCH whitelist of the contract under test (language from 2026-04). */
function whitelistOf(target: TargetConfig): string[] {
  return target.specVersion === '2026-04' ? ['siteCode', 'currency', 'targetLocation', 'language'] : ['siteCode', 'currency', 'targetLocation'];
}

/** Boundary examples of the content type: one that is not JSON, with an otherwise well-formed body. */
function contentTypeExamples(body: BodySpec): Example<{ who: number; contentType: string; body: BodySpec }>[] {
  return [{ class: 'content-type-other', value: { who: 0, contentType: 'text/plain', body } }];
}

const plainMap = (ctx: Ctx): Record<string, unknown> =>
  Object.fromEntries(Object.entries((ctx.context as Record<string, unknown> | undefined) ?? {}).filter(([k, v]) => isPlainName(k) && (typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)))));

/** Names that differ only in case from the crowded run's attribute (CROWDED_NAME): a case-folding store merges them. */
const CASE_TWINS = { conformancetwin: 'lower', CONFORMANCETWIN: 'upper' };
const CROWDED_NAME = 'ConformanceTwin';

/**
 * Puts dozens of plain attributes on the subject's context by PATCH (beside its plain ones), two of them differing
 * only in case from the name the run then writes, so that the write meets a crowded map. No count limit is
 * documented: a 4xx is a refusal (the run then sends nothing more); a 204 must have stored every one exactly
 * (SC-PATCH-WHITELIST-04).
 */
async function crowdContext(w: World, s: Subject): Promise<string[] | undefined> {
  const pre = await read(w, s);
  const crowd: Record<string, string> = { ...dozensOfAttributes(), ...CASE_TWINS };
  const res = await w.api.send('PATCH', `${tenantPath(w)}/me/context`, { token: s.token, json: { context: { ...plainMap(pre), ...crowd }, metadata: { version: pre.metadata?.version } } });
  if (res.status >= 400 && res.status < 500) return undefined;
  const now = await read(w, s);
  const stored = (now.context as Record<string, unknown> | undefined) ?? {};
  const lost = Object.entries(crowd).filter(([k, v]) => stored[k] !== v);
  const problems = res.status === 204 ? [] : [`PATCH of ${Object.keys(crowd).length} plain attributes answered ${res.status}, expected 204 or a 4xx`];
  if (res.status === 204 && lost.length) problems.push(`PATCH of ${Object.keys(crowd).length} plain attributes answered 204, but ${lost.length} of them are not stored as sent, e.g. ${lost.slice(0, 3).map(([k]) => k).join(', ')} (SC-PATCH-WHITELIST-04): acknowledged and altered`);
  fail(problems, res);
  return Object.keys(crowd);
}

/** Takes the crowd off again (one PATCH), so that later runs and the cleanup meet the map they knew. */
async function uncrowdContext(w: World, s: Subject, names: string[]): Promise<void> {
  const now = await read(w, s);
  const rest = Object.fromEntries(Object.entries(plainMap(now)).filter(([k]) => !names.includes(k)));
  const res = await w.api.send('PATCH', `${tenantPath(w)}/me/context`, { token: s.token, json: { context: rest, metadata: { version: now.metadata?.version } } });
  fail(res.status === 204 ? [] : [`PATCH back to ${Object.keys(rest).length} attributes answered ${res.status}, expected 204 (SC-PATCH-WHITELIST-04)`], res);
}

test.describe('generated bad input on every write operation', () => {
  test(
    'PATCH /me/context with generated bodies: never a 5xx, a rejected write changes nothing, an accepted one exactly the whitelisted fields sent, and no other session changes',
    generative(
      'SC-HTTP-01', 'SC-PATCH-01', 'SC-PATCH-02', 'SC-PATCH-WHITELIST-01', 'SC-PATCH-WHITELIST-02', 'SC-PATCH-WHITELIST-03', 'SC-PATCH-WHITELIST-04',
      'SC-PATCH-WHITELIST-05', 'SC-PATCH-IGNORED-01', 'SC-PATCH-IGNORED-02', 'SC-PATCH-IGNORED-03', 'SC-PATCH-IGNORED-04', 'SC-PATCH-IGNORED-05',
      'SC-PATCH-IGNORED-06', 'SC-PATCH-IGNORED-07', 'SC-PATCH-CONTEXT-01', 'SC-VERSION-01', 'SC-VERSION-02', 'SC-VERSION-03', 'SC-VERSION-04',
      'SC-VERSION-05', 'SC-VERSION-06', 'SC-VERSION-07', 'SC-VERSION-08', 'SC-ISOLATION-01', 'SC-INPUT-03',
    ),
    async ({ api, flows, target }, testInfo) => {
      const budget = propertyBudget(target);
      test.setTimeout(budget.timeLimit + 60_000);
      const calls = countCalls(api);
      const started = Date.now();
      const w = await world(api, flows, target, false, testInfo);
      recordRuns(w);
      const input = fc.record({ who: fc.integer({ min: 0, max: w.subjects.length - 1 }), contentType, body: writeBody(w.sites) });
      type Input = { who: number; contentType: string; body: BodySpec };
      const bodies = writeBodyExamples(w.sites, whitelistOf(target));
      const coverage = new Coverage<Input>(
        [...bodies.map((e): Example<Input> => ({ class: e.class, value: { who: 0, contentType: 'application/json', body: e.value } })), ...contentTypeExamples(bodies[0].value)],
        (v) => [...classifyWriteBody(v.body, w.sites), ...classifyContentType(v.contentType)],
      );
      const property = fc.asyncProperty(input, (v) =>
        guarded(w, async () => {
          coverage.saw(v);
          const { who, contentType: ct, body } = v;
          const s = w.subjects[who];
          const before = await read(w, s);
          // The bystander is read last before the write: an implementation that caches "the" context shows here.
          fail(await bystanderProblems(w), w.run[w.run.length - 1]);
          const version = Number(before.metadata?.version);
          const res = await api.send('PATCH', `${tenantPath(w)}/me/context`, { token: s.token, json: renderBody(body, version), headers: { 'content-type': ct } });
          const after = await read(w, s);
          const e = expectPatch(body, ct, target.specVersion, w.sites);
          const problems = checkWrite(e, res.status, before, after);
          if (res.status === 204 && res.text.length) problems.push(`a 204 carries a body (SC-PATCH-01): ${res.text.slice(0, 80)}`);
          problems.push(...(await bystanderProblems(w)));
          fail(problems, res);
        }),
      );
      const { runs, seed } = await checkProperty(testInfo, NAMES, property, budget, (v) => showWrite('PATCH', '/session-context/{tenant}/me/context', w.subjects[v.who].who, v.contentType, v.body), failed(w), w.inconclusive, target, { of: coverage, what: 'PATCH property' });
      recordFigures(testInfo, 'PATCH property', { seed, runs, httpCalls: calls.count, ms: Date.now() - started });
    },
  );

  test(
    'attribute POST with generated names and values, own and management: never a 5xx, stored exactly or refused, and a stored name can be deleted by that name',
    generative('SC-HTTP-01', 'SC-ATTR-01', 'SC-ATTR-02', 'SC-ATTR-03', 'SC-ATTR-04', 'SC-ATTR-06', 'SC-MGMT-ATTR-01', 'SC-MGMT-ATTR-02', 'SC-INPUT-01', 'SC-INPUT-02', 'SC-INPUT-03', 'SC-ISOLATION-01', 'SC-PATCH-WHITELIST-04'),
    async ({ api, flows, target }, testInfo) => {
      const budget = propertyBudget(target);
      test.setTimeout(budget.timeLimit + 60_000);
      const calls = countCalls(api);
      const started = Date.now();
      const w = await world(api, flows, target, true, testInfo);
      recordRuns(w);
      const routes = w.service ? (['own', 'management'] as const) : (['own'] as const);
      // `crowded`: the attribute is written onto a context that already holds dozens (a store may cap the count silently).
      const input = fc.record({ who: fc.integer({ min: 0, max: w.subjects.length - 1 }), route: fc.constantFrom(...routes), contentType, body: attributeBody(), crowded: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) });
      type Input = { who: number; route: 'own' | 'management'; contentType: string; body: BodySpec; crowded: boolean };
      const bodies = attributeBodyExamples();
      const plainBody = bodies[0].value;
      const twinBody: BodySpec = { kind: 'object', fields: [['key', CROWDED_NAME], ['value', 'mixed']], metadata: { kind: 'absent' } };
      const coverage = new Coverage<Input>(
        [
          ...bodies.map((e): Example<Input> => ({ class: e.class, value: { who: 0, route: 'own', contentType: 'application/json', body: e.value, crowded: false } })),
          ...contentTypeExamples(plainBody).map((e) => ({ class: e.class, value: { ...e.value, route: 'own' as const, crowded: false } })),
          ...(w.service ? bodies.filter((e) => ['name-mixed-case', 'value-empty-string', 'value-non-ascii'].includes(e.class)).map((e): Example<Input> => ({ class: `management-${e.class}`, value: { who: 0, route: 'management', contentType: 'application/json', body: e.value, crowded: false } })) : []),
          { class: 'onto-dozens', value: { who: 0, route: 'own', contentType: 'application/json', body: twinBody, crowded: true } },
          ...(w.service ? [{ class: 'management-onto-dozens', value: { who: 0, route: 'management' as const, contentType: 'application/json', body: twinBody, crowded: true } }] : []),
        ],
        (v) => {
          const body = classifyAttributeBody(v.body);
          const prefix = v.route === 'management' ? 'management-' : '';
          return [...body, ...body.map((c) => `${prefix}${c}`), ...classifyContentType(v.contentType), ...(v.crowded ? [`${prefix}onto-dozens`] : [])];
        },
      );
      const property = fc.asyncProperty(input, (iv) =>
        guarded(w, async () => {
          coverage.saw(iv);
          const { who, route, contentType: ct, body, crowded } = iv;
          const s = w.subjects[who];
          const own = route === 'own';
          const base = own ? `${tenantPath(w)}/me/context/attributes` : `${tenantPath(w)}/context/${encodeURIComponent(s.sessionId)}/attributes`;
          const token = own ? s.token : w.service!;
          const crowd = crowded ? await crowdContext(w, s) : undefined;
          if (crowded && !crowd) return;
          const before = await read(w, s);
          fail(await bystanderProblems(w), w.run[w.run.length - 1]);
          const post = await api.send('POST', base, { token, json: renderBody(body), headers: { 'content-type': ct } });
          const afterPost = await read(w, s);
          const e = expectAttributePost(body, ct, own);
          const problems = checkWrite(e, post.status, before, afterPost);
          const name = e.name;
          if (own && post.status === 201 && typeof name === 'string' && body.kind === 'object' && typeof new Map(body.fields).get('key') === 'string' && post.json !== name) {
            problems.push(`201 must carry the attribute name as a JSON string (SC-ATTR-01); got ${post.text.slice(0, 80)}`);
          }
          problems.push(...(await bystanderProblems(w)));
          fail(problems, post);
          if (name === undefined || name.length === 0) return;
          // A name that is there (stored now, or left from a refused delete) can be deleted by that name; an absent one gets a 4xx.
          const present = attributeOf(afterPost, name).present;
          const del = await api.send('DELETE', `${base}/${encodeURIComponent(name)}`, { token });
          const afterDelete = await read(w, s);
          const v = Number(afterPost.metadata?.version);
          const kept = differences(afterDelete, afterPost, { modifiedAt: 'free', versions: [v, v + 1] });
          const out: string[] = [];
          if (del.status >= 500) out.push(`DELETE answered ${del.status}: never a 5xx (SC-HTTP-01)`);
          else if (!present) {
            // SC-ATTR-04 (observed) is about the own DELETE; for the management one only a 4xx is safe to require.
            const exact = own && !encodingOpen(name);
            if (exact ? del.status !== 404 : del.status < 400) out.push(`DELETE of an attribute that is not there answered ${del.status}, expected ${exact ? '404 (SC-ATTR-04, observed)' : 'a 4xx'}`);
            out.push(...kept.map((d) => `a refused DELETE changed something: ${d}`));
          } else if (del.status === 204) {
            if (attributeOf(afterDelete, name).present) out.push('DELETE answered 204 and the attribute is still there (SC-ATTR-03, SC-MGMT-ATTR-02)');
            const rest = structuredClone(afterPost);
            if (rest.context && typeof rest.context === 'object') delete (rest.context as Record<string, unknown>)[name];
            out.push(...differences(afterDelete, rest, { modifiedAt: 'free', versions: [v, v + 1] }).map((d) => `DELETE changed more than the attribute: ${d}`));
            if (del.text.length) out.push(`a 204 carries a body: ${del.text.slice(0, 80)}`);
          } else if (del.status >= 400 && del.status < 500 && encodingOpen(name)) {
            out.push(...differences(afterDelete, afterPost).map((d) => `a refused DELETE changed something: ${d}`));
          } else {
            out.push(`DELETE of a stored attribute by its name answered ${del.status}, expected 204 (SC-ATTR-03, SC-MGMT-ATTR-02)`);
          }
          out.push(...(await bystanderProblems(w)));
          fail(out, del);
          if (crowd) await uncrowdContext(w, s, crowd);
        }),
      );
      const { runs, seed } = await checkProperty(
        testInfo, NAMES, property, budget,
        (v) => (v.crowded ? `onto a context holding ${Object.keys(dozensOfAttributes()).length} more plain attributes and ${Object.keys(CASE_TWINS).join(', ')} (set by PATCH /me/context):\n` : '') + showWrite('POST', v.route === 'own' ? '/session-context/{tenant}/me/context/attributes' : '/session-context/{tenant}/context/{sessionId}/attributes', w.subjects[v.who].who, v.contentType, v.body, v.route === 'own' ? '' : ', service token') + '\nthen DELETE …/attributes/{the name, percent-encoded}',
        failed(w),
        w.inconclusive,
        target,
        { of: coverage, what: 'attribute property' },
      );
      recordFigures(testInfo, 'attribute property', { seed, runs, httpCalls: calls.count, ms: Date.now() - started });
    },
  );

  test(
    'PUT /context/{sessionId} with generated bodies and query parameters: never a 5xx, a rejected write changes nothing, an accepted one sets the fields sent',
    generative('SC-HTTP-01', 'SC-MGMT-PUT-01', 'SC-MGMT-PUT-02', 'SC-MGMT-PUT-03', 'SC-MGMT-PUT-06', 'SC-MGMT-PUT-07', 'SC-MGMT-PUT-08', 'SC-INPUT-03', 'SC-ISOLATION-01'),
    async ({ api, flows, target }, testInfo) => {
      flows.requireService();
      const budget = propertyBudget(target);
      test.setTimeout(budget.timeLimit + 60_000);
      const calls = countCalls(api);
      const started = Date.now();
      const w = await world(api, flows, target, true, testInfo);
      recordRuns(w);
      // sessionId and customerId are left out of PUT bodies: what a forged one does to the resource is not documented,
      // and a context that moved would end the run's independence.
      const body = writeBody(w.sites).map((b): BodySpec => (b.kind === 'object' ? { ...b, fields: b.fields.filter(([k]) => k !== 'sessionId' && k !== 'customerId') } : b));
      const input = fc.record({ who: fc.integer({ min: 0, max: w.subjects.length - 1 }), saas: fc.boolean(), query: oddQuery, contentType, body });
      type Input = { who: number; saas: boolean; query: string; contentType: string; body: BodySpec };
      const bodies = writeBodyExamples(w.sites, whitelistOf(target));
      const byClass = (c: string) => bodies.find((e) => e.class === c)!.value;
      const customer = w.subjects.findIndex((x) => x.who === 'customer');
      // upsert=true on an existing context is an update: its version is checked like any other (SC-MGMT-PUT-03, -07).
      const flagged: Example<Input>[] = [
        ...['field-site-value', 'version-stale', 'version-absent', 'version-ahead', 'metadata-absent'].map((c): Example<Input> => ({ class: `upsert-true-${c}`, value: { who: 0, saas: false, query: 'upsert=true', contentType: 'application/json', body: byClass(c) } })),
        { class: 'upsert-false-field-site-value', value: { who: 0, saas: false, query: 'upsert=false', contentType: 'application/json', body: byClass('field-site-value') } },
        { class: 'query-odd', value: { who: 0, saas: false, query: 'upsert=true&upsert=false', contentType: 'application/json', body: byClass('field-site-value') } },
        ...(customer >= 0
          ? [true, false].map((saas): Example<Input> => ({ class: `customer-${saas ? 'with' : 'without'}-saas-token`, value: { who: customer, saas, query: '', contentType: 'application/json', body: byClass('field-site-value') } }))
          : []),
      ];
      const coverage = new Coverage<Input>(
        [
          ...bodies.map((e): Example<Input> => ({ class: e.class, value: { who: 0, saas: false, query: '', contentType: 'application/json', body: e.value } })),
          ...contentTypeExamples(bodies[0].value).map((e) => ({ class: e.class, value: { ...e.value, saas: false, query: '' } })),
          ...flagged,
        ],
        (v) => {
          const classes = [...classifyWriteBody(v.body, w.sites), ...classifyContentType(v.contentType)];
          const flag = v.query === 'upsert=true' ? 'upsert-true' : v.query === 'upsert=false' ? 'upsert-false' : v.query === '' ? undefined : 'query-odd';
          const who = w.subjects[v.who].who === 'customer' ? [`customer-${v.saas ? 'with' : 'without'}-saas-token`] : [];
          return [...classes, ...who, ...(flag === 'query-odd' ? [flag] : flag ? classes.map((c) => `${flag}-${c}`) : [])];
        },
      );
      const property = fc.asyncProperty(input, (iv) =>
        guarded(w, async () => {
          coverage.saw(iv);
          const { who, saas, query, contentType: ct, body: b } = iv;
          // A PUT refused for want of saas-token on a context that is not a customer's (open, BEHAVIOUR.md §8) is judged
          // as a refusal, then sent again to the customer's context with its saas-token, so the run still tests its body.
          const fallback = w.subjects.find((x) => x.who === 'customer' && x.saasToken !== undefined);
          let s = w.subjects[who];
          let sendSaas = saas && s.saasToken !== undefined;
          for (;;) {
            const before = await readManaged(w, s);
            fail(await bystanderProblems(w), w.run[w.run.length - 1]);
            const version = Number(before.metadata?.version);
            const headers: Record<string, string> = { 'content-type': ct };
            if (sendSaas) headers['saas-token'] = s.saasToken!;
            const res = await api.send('PUT', `${tenantPath(w)}/context/${encodeURIComponent(s.sessionId)}${query ? `?${query}` : ''}`, { token: w.service, json: renderBody(b, version), headers });
            const after = await readManaged(w, s);
            const customer = before.customerId !== undefined;
            const demanded = saasTokenDemanded(res, customer);
            const e = expectPut(b, ct, target.specVersion, w.sites, { customer, saasToken: sendSaas, saasTokenDemanded: demanded });
            if (queryOpen(query) && e.outcome === 'accept') e.outcome = 'either';
            const problems = checkWrite(e, res.status, before, after);
            if (after.sessionId !== s.sessionId) problems.push(`the context read by id ${s.sessionId} has sessionId ${String(after.sessionId)}`);
            problems.push(...(await bystanderProblems(w)));
            fail(problems, res);
            if (!demanded || !fallback || s === fallback) return;
            s = fallback;
            sendSaas = true;
          }
        }),
      );
      const { runs, seed } = await checkProperty(
        testInfo, NAMES, property, budget,
        (v) => showWrite('PUT', `/session-context/{tenant}/context/{sessionId}${v.query ? `?${v.query}` : ''}`, `service token, the ${w.subjects[v.who].who} session's context`, v.contentType, v.body, v.saas && w.subjects[v.who].saasToken ? ', with the saas-token' : ''),
        failed(w),
        w.inconclusive,
        target,
        { of: coverage, what: 'PUT property' },
      );
      recordFigures(testInfo, 'PUT property', { seed, runs, httpCalls: calls.count, ms: Date.now() - started });
    },
  );

  test(
    'every operation on the wrong kind of token, an unknown or a logged-out one is refused and changes nothing; reads with odd query parameters change nothing',
    generative('SC-HTTP-01', 'SC-AUTH-01', 'SC-AUTH-02', 'SC-AUTH-03', 'SC-AUTH-04', 'SC-AUTH-06', 'SC-SCHEMA-04', 'SC-READ-01', 'SC-GET-01', 'SC-ISOLATION-01'),
    async ({ api, flows, target }, testInfo) => {
      flows.requireService();
      const budget = propertyBudget(target);
      test.setTimeout(budget.timeLimit + 60_000);
      const calls = countCalls(api);
      const started = Date.now();
      const w = await world(api, flows, target, true, testInfo);
      recordRuns(w);
      type Op = 'get-own' | 'patch-own' | 'post-own' | 'delete-own' | 'get' | 'put' | 'post' | 'delete';
      const ops: Op[] = ['get-own', 'patch-own', 'post-own', 'delete-own', 'get', 'put', 'post', 'delete'];
      const input = fc.record({
        op: fc.constantFrom(...ops),
        who: fc.integer({ min: 0, max: w.subjects.length - 1 }),
        token: fc.constantFrom('anonymous', 'customer', 'service', 'right', 'unknown', 'revoked', 'limited') as fc.Arbitrary<'anonymous' | 'customer' | 'service' | 'right' | 'unknown' | 'revoked' | 'limited'>,
        query: oddQuery,
        body: fc.oneof(writeBody(w.sites), attributeBody()),
      }).filter(({ op, token }) => {
        // Only combinations this property judges: a token of the wrong kind, an invalid one, or a read with the right one.
        const management = !op.endsWith('-own');
        if (token === 'right') return op === 'get' || op === 'get-own';
        if (token === 'revoked') return w.extra.revoked !== undefined;
        if (token === 'limited') return w.extra.limited !== undefined;
        return token === 'unknown' || (management ? token !== 'service' : token === 'service');
      });
      type Kind = 'anonymous' | 'customer' | 'service' | 'right' | 'unknown' | 'revoked' | 'limited';
      type Input = { op: Op; who: number; token: Kind; query: string; body: BodySpec };
      const valid = writeBodyExamples(w.sites, whitelistOf(target))[0].value;
      // Every operation once, and every kind of token once, whatever the budget.
      const pairs: [Op, Kind][] = [
        ['get-own', 'right'], ['get', 'right'], ['patch-own', 'service'], ['post-own', 'unknown'], ['delete-own', w.extra.revoked ? 'revoked' : 'service'],
        ['put', 'anonymous'], ['post', w.subjects.some((x) => x.who === 'customer') ? 'customer' : 'anonymous'], ['delete', 'unknown'],
        ...(w.extra.limited ? [['get', 'limited'] as [Op, Kind]] : []),
      ];
      const coverage = new Coverage<Input>(
        pairs.map(([op, token]) => ({ class: `${op}/${token}`, value: { op, who: 0, token, query: '', body: valid } })),
        (v) => [`${v.op}/${v.token}`],
      );
      const property = fc.asyncProperty(input, (iv) =>
        guarded(w, async () => {
          coverage.saw(iv);
          const { op, who, token: kind, query, body } = iv;
          const s = w.subjects[who];
          const management = !op.endsWith('-own');
          const isRead = op === 'get' || op === 'get-own';
          // 'right' is the documented kind for the operation; then only reads are sent (writes are the other properties').
          if (kind === 'right' && !isRead) return;
          const tokenOf: Record<typeof kind, string | undefined> = {
            anonymous: w.subjects[0].token,
            customer: w.subjects.find((x) => x.who === 'customer')?.token ?? w.subjects[0].token,
            service: w.service!,
            right: management ? w.service! : s.token,
            unknown: 'conformanceUnknownToken0000000000',
            revoked: w.extra.revoked,
            limited: w.extra.limited,
          };
          if (tokenOf[kind] === undefined) return;
          const invalid = kind === 'unknown' || kind === 'revoked';
          const wrong = invalid || (kind !== 'right' && (management ? kind !== 'service' : kind === 'service' || kind === 'limited'));
          if (kind !== 'right' && !wrong) return;
          const beforeAll = await Promise.all([...w.subjects.map((x) => readManaged(w, x))]);
          const version = Number(beforeAll[who].metadata?.version);
          const path = management ? `${tenantPath(w)}/context/${encodeURIComponent(s.sessionId)}` : `${tenantPath(w)}/me/context`;
          const q = query ? `?${query}` : '';
          const method = { 'get-own': 'GET', get: 'GET', 'patch-own': 'PATCH', put: 'PUT', 'post-own': 'POST', post: 'POST', 'delete-own': 'DELETE', delete: 'DELETE' }[op];
          const suffix = op.startsWith('post') ? '/attributes' : op.startsWith('delete') ? `/attributes/${encodeURIComponent(Object.keys((beforeAll[who].context as object) ?? {})[0] ?? 'absent')}` : '';
          const res = await api.send(method, `${path}${suffix}${q}`, { token: tokenOf[kind], json: isRead || method === 'DELETE' ? undefined : renderBody(body, version) });
          const problems: string[] = [];
          if (res.status >= 500) problems.push(`answered ${res.status}: never a 5xx (SC-HTTP-01)`);
          if (wrong && !(res.status >= 400 && res.status < 500)) problems.push(`a ${kind} token on ${method} ${management ? 'a management endpoint' : 'an own-session endpoint'} answered ${res.status}, expected a 4xx`);
          // Whether the body is parsed before the token is looked at is not documented: the exact status only for well-formed requests.
          const text = renderBody(body, version);
          const wellFormed = !queryOpen(query) && (isRead || method === 'DELETE' || (parsedBody(body, version) !== undefined && depthOf(text) <= 32 && !hasPrototypeKey(text) && text.length < 60_000));
          if (wellFormed && res.status < 500) {
            if (invalid && res.status !== 401) problems.push(`a${kind === 'unknown' ? 'n unknown' : ' logged-out'} token answered ${res.status}, expected 401 (${kind === 'unknown' ? 'SC-AUTH-01' : 'SC-AUTH-04'})`);
            else if (kind === 'unknown') {
              const fault = (res.json as { fault?: { faultstring?: unknown; detail?: { errorcode?: unknown } } } | undefined)?.fault;
              if (typeof fault?.faultstring !== 'string' || typeof fault.detail?.errorcode !== 'string') problems.push(`the 401 for an unknown token carries no gateway fault body (SC-AUTH-01, SC-SCHEMA-04): ${res.text.slice(0, 120)}`);
            } else if (kind === 'limited' && management && res.status !== 403) problems.push(`a service token without sessioncontext.context_manage answered ${res.status}, expected 403 (SC-AUTH-03)`);
            else if (!invalid && kind !== 'limited' && wrong && management && ![401, 403].includes(res.status)) problems.push(`SC-AUTH-02 documents 401 or 403, got ${res.status}`);
          }
          if (!wrong && isRead) {
            // Repeated or unknown query parameters are not documented: a 4xx is as good as ignoring them.
            if (res.status !== 200 && !(queryOpen(query) && res.status >= 400 && res.status < 500)) problems.push(`a read with the right token answered ${res.status}, expected 200`);
            else if ((res.json as Ctx).sessionId !== s.sessionId) problems.push(`the read answered session ${String((res.json as Ctx).sessionId)}, expected ${s.sessionId} (SC-GET-01)`);
          }
          const afterAll = await Promise.all(w.subjects.map((x) => readManaged(w, x)));
          afterAll.forEach((a, i) => problems.push(...differences(a, beforeAll[i]).map((d) => `${isRead ? 'a read' : 'a refused write'} changed the ${w.subjects[i].who} context: ${d}`)));
          problems.push(...(await bystanderProblems(w)));
          fail(problems, res);
        }),
      );
      // Each run here is a handful of cheap calls over a wide space (operation × token × subject): three times the runs.
      const { runs, seed } = await checkProperty(testInfo, NAMES, property, { ...budget, runs: budget.runs * 3 }, (v) => `${v.op} on the ${w.subjects[v.who].who} session with a ${v.token === 'right' ? 'documented' : v.token} token${v.query ? `, query ?${v.query}` : ''}\nbody (writes): ${showBody(v.body, 1)}`, failed(w), w.inconclusive, target, { of: coverage, what: 'token and read property' });
      recordFigures(testInfo, 'token and read property', { seed, runs, httpCalls: calls.count, ms: Date.now() - started });
    },
  );

  test(
    'anonymous login with generated session-context parameters (spec 2026-04): each one given, alone or with others, is what the context holds; an odd value is refused with a 4xx or taken, never a 5xx',
    generative('SC-HTTP-01', 'SC-DERIVE-ANON-04', 'SC-DERIVE-ANON-05'),
    async ({ api, flows, target }, testInfo) => {
      test.skip(target.specVersion !== '2026-04', 'anonymous-login context parameters arrived on 2026-04-21 (SPEC_VERSION=2022-11)');
      const budget = propertyBudget(target);
      test.setTimeout(budget.timeLimit + 60_000);
      const calls = countCalls(api);
      const started = Date.now();
      const probe = await flows.anonymous();
      const siteList = await flows.sites(probe.token);
      const sites = siteValuesOf(siteList);
      const home = defaultSiteOf(siteList) as (ReturnType<typeof defaultSiteOf> & { defaultLanguage?: string }) | undefined;
      const defaults = { siteCode: home?.code, currency: home?.currency, targetLocation: home?.homeBase?.address?.country, language: home?.defaultLanguage };
      const coverage = new Coverage<LoginParams>(loginParamsExamples(sites, defaults), (p) => classifyLoginParams(p, sites));
      const inconclusive = new InconclusiveGuard(testInfo);
      const run: Exchange[] = [];
      let failedRun: Exchange[] | undefined;
      const send = api.send.bind(api);
      api.send = (async (...args: Parameters<Api['send']>) => {
        const x = await send(...args);
        run.push(x);
        return x;
      }) as Api['send'];
      const property = fc.asyncProperty(loginParams(sites), async (params) => {
        if (inconclusive.tripped) return;
        run.length = 0;
        try {
          coverage.saw(params);
          const given = LOGIN_PARAMETERS.filter((p) => params[p] !== undefined);
          // Whether the tenant validates a value it does not offer is not documented: refusing it is as good as taking it.
          const odd = given.filter((p) => !isOwnLoginValue(p, params[p]!, sites));
          const login = await api.anonymousLogin(target.storefrontClientId, params);
          if (login.status >= 400 && login.status < 500) {
            fail(odd.length ? [] : [`anonymous login with the tenant's own ${given.join(', ')} answered ${login.status}, expected 200 (SC-DERIVE-ANON-04)`], login);
            return;
          }
          fail(login.status === 200 ? [] : [`anonymous login answered ${login.status}, expected 200${odd.length ? ` or, for the value(s) of ${odd.join(', ')} the tenant does not offer, a 4xx` : ''}`], login);
          const body = login.json as Record<string, string>;
          const token = body.access_token;
          flows.trackSession(body.sessionId ?? body.session_id);
          // Whether the context exists right after login depends on the creation mode (UNKNOWN, BEHAVIOUR.md §3); once
          // a cart exists it does on any target, carrying the parameters "set directly ... upon creation".
          let res = await api.getOwnContext(token);
          if (res.status !== 200) {
            await flows.createCart(token);
            res = await flows.waitForContext(token);
          }
          const ctx = res.json as Ctx;
          const problems: string[] = [];
          for (const p of given.filter((q) => !odd.includes(q))) {
            const v = params[p]!;
            const beside = given.length === 1 ? 'alone' : `with ${given.filter((q) => q !== p).join(', ')}`;
            if (ctx[p] !== v) problems.push(`login parameter ${p}=${JSON.stringify(v)} (${beside}): the context holds ${p} ${JSON.stringify(ctx[p])} (${p === 'language' ? 'SC-DERIVE-ANON-05' : 'SC-DERIVE-ANON-04'})`);
          }
          fail(problems, res);
        } catch (e) {
          if (inconclusive.absorb(e)) return;
          failedRun = [...run];
          throw e;
        }
      });
      const { runs, seed } = await checkProperty(
        testInfo, NAMES, property, budget,
        (p) => `GET /customerlogin/auth/anonymous/login?tenant={tenant}&client_id={storefront key}${LOGIN_PARAMETERS.filter((k) => p[k] !== undefined).map((k) => `&${k}=${encodeURIComponent(p[k]!)}`).join('')}\nthen GET /session-context/{tenant}/me/context (after a cart where the context did not exist yet)`,
        () => (failedRun ? { exchanges: failedRun.slice(-8), describe: describeExchange } : undefined),
        inconclusive,
        target,
        { of: coverage, what: 'login-parameter property' },
      );
      recordFigures(testInfo, 'login-parameter property', { seed, runs, httpCalls: calls.count, ms: Date.now() - started });
    },
  );
});
