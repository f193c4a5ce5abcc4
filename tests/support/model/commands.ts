/**
 * The model of issue 10 §3: what the documents fix about a few sessions, and commands that act on the target and
 * on the model together. Two sessions per run: A, an anonymous session that may get a cart, be refreshed, log in as
 * the test customer and be handled through its own token and the management endpoints; and M, a second anonymous
 * session handled through the management endpoints only.
 *
 * After each command the target must agree with the model on everything the documents fix. Where they are silent
 * (whether attribute writes, cart creation, refresh or login raise the version; whether login re-derives fields; what
 * PUT does to fields it does not carry; 404 or 409 for a stale version) the command checks only what every plausible
 * answer shares, then re-reads the target and takes its answer as the new model state.
 */
import fc from 'fast-check';
import type { Api, Exchange } from '../api.js';
import { saasTokenDemanded, type AnonymousSession, type Flows } from '../flows.js';
import type { TargetConfig } from '../target.js';
import { plainName, renderBody, showBody, type BodySpec, type SiteValues } from '../generators.js';
import { attributeOf, checkWrite, differences, expectAttributePost, expectPatch, expectPut, isPlainObject, type Ctx } from './oracle.js';

export interface SessionModel {
  label: 'A' | 'M';
  sessionId: string;
  kind: 'anonymous' | 'customer';
  anonymous?: AnonymousSession;
  token?: string;
  refreshToken?: string;
  saasToken?: string;
  /** The context as the model knows it; undefined: there is none. */
  ctx?: Ctx;
  hasCart: boolean;
}

export interface Model {
  A: SessionModel;
  M?: SessionModel;
  /** Learnt from the target: whether a single attribute write raised the version (SC-ATTR-07 is UNKNOWN). */
  attributeWriteBumps?: boolean;
}

export interface Step {
  title: string;
  /** The command's own exchanges. */
  exchanges: Exchange[];
  /** The re-reads after it that compare every session with the model; shown in full only when they failed. */
  checks: Exchange[];
  verdict?: string;
}

export interface Real {
  api: Api;
  flows: Flows;
  target: TargetConfig;
  service?: string;
  sites: SiteValues;
  steps: Step[];
  /** Every exchange of the run in progress (filled by the test's recorder). */
  run: Exchange[];
  setup: string[];
}

class ModelError extends Error {}

function must(problems: string[], where: string): void {
  if (problems.length) throw new ModelError(`${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

const is4xx = (s: number) => s >= 400 && s < 500;
const is2xx = (s: number) => s >= 200 && s < 300;

// ------------------------------------------------------------------ reading the target

type Read = { status: number; ctx?: Ctx };

const asRead = (res: Exchange): Read => ({ status: res.status, ctx: res.status === 200 ? (res.json as Ctx) : undefined });

/**
 * A read of the session's context. `settle`: a 404 counts only once it has lasted CONFORMANCE_PROPAGATION_MS
 * (flows.settled): a live target may make a context visible late (BEHAVIOUR.md §3). By default a read settles where
 * the model holds a context, so a lost one still fails, only later; where the model holds none a 404 agrees at once.
 */
async function readOwn(r: Real, s: SessionModel, settle = s.ctx !== undefined): Promise<Read> {
  const read = () => r.api.getOwnContext(s.token!);
  return asRead(settle ? await r.flows.settled(read) : await read());
}

async function readManaged(r: Real, s: SessionModel, settle = s.ctx !== undefined): Promise<Read> {
  const read = () => r.api.getContext(r.service!, s.sessionId);
  return asRead(settle ? await r.flows.settled(read) : await read());
}

/** The session's context as the target has it now, read the way this session is handled. */
async function readNow(r: Real, s: SessionModel, settle = s.ctx !== undefined): Promise<Read> {
  return s.token ? readOwn(r, s, settle) : readManaged(r, s, settle);
}

/** A read answers exactly the model: the context with every field, version and timestamps, or no context at all. */
function agree(s: SessionModel, got: { status: number; ctx?: Ctx }, how: string): string[] {
  if (got.status >= 500) return [`${how} answered ${got.status}: never a 5xx (SC-HTTP-01)`];
  if (s.ctx === undefined) {
    if (got.status === 404) return [];
    return [`${how} answered ${got.status}; the model has no context for session ${s.label} (no cart, no upsert), so 404 (SC-404-01, SC-404-03, SC-READ-01)`];
  }
  if (got.status !== 200) return [`${how} answered ${got.status}; the model has a context for session ${s.label}, so 200`];
  const out = differences(got.ctx!, s.ctx, { createdAt: 'same', modifiedAt: 'same' });
  if (got.ctx!.sessionId !== s.sessionId) out.push(`sessionId is ${String(got.ctx!.sessionId)}, the session is ${s.sessionId} (SC-GET-01)`);
  return out.map((d) => `${how}: ${d}`);
}

/** After every command: every session reads as the model says, through every way it is handled (SC-READ-01, SC-ISOLATION-01). */
export async function verifyAll(m: Model, r: Real): Promise<void> {
  const problems: string[] = [];
  for (const s of [m.A, m.M]) {
    if (!s) continue;
    if (s.token) problems.push(...agree(s, await readOwn(r, s), `GET own context of ${s.label}`));
    if (r.service) problems.push(...agree(s, await readManaged(r, s), `management GET of ${s.label}`));
  }
  must(problems, 'the target no longer agrees with the model');
}

// ------------------------------------------------------------------ commands

type Act = (m: Model, r: Real) => Promise<void>;

export class Command implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly title: string,
    private readonly pre: (m: Model) => boolean,
    private readonly act: Act,
  ) {}

  check(m: Readonly<Model>): boolean {
    return this.pre(m as Model);
  }

  async run(m: Model, r: Real): Promise<void> {
    const step: Step = { title: this.title, exchanges: [], checks: [] };
    r.steps.push(step);
    const start = r.run.length;
    let middle = start;
    try {
      await this.act(m, r);
      middle = r.run.length;
      await verifyAll(m, r);
    } catch (e) {
      step.verdict = e instanceof Error ? e.message : String(e);
      if (middle === start) middle = r.run.length;
      throw e;
    } finally {
      step.exchanges = r.run.slice(start, middle);
      step.checks = r.run.slice(middle);
    }
  }

  toString(): string {
    return this.title;
  }
}

const sessionOf = (m: Model, label: 'A' | 'M') => (label === 'A' ? m.A : m.M!);

function adopt(s: SessionModel, got: { status: number; ctx?: Ctx }): void {
  s.ctx = got.status === 200 ? got.ctx : undefined;
}

/** GET own or management: a read agrees with the model and changes nothing (checked by verifyAll). */
export function getCommand(label: 'A' | 'M', route: 'own' | 'management'): Command {
  return new Command(
    `GET ${route === 'own' ? 'own context' : 'context by id'} of ${label}`,
    (m) => label === 'A' || (route === 'management' && !!m.M),
    async (m, r) => {
      const s = sessionOf(m, label);
      if (route === 'management' && !r.service) return;
      const got = route === 'own' ? await readOwn(r, s) : await readManaged(r, s);
      must(agree(s, got, `GET ${route}`), 'a read');
    },
  );
}

/** PATCH /me/context with a generated body and version intent (current, stale, future, missing, odd). */
export function patchCommand(body: BodySpec, sites: SiteValues): Command {
  return new Command(`PATCH own context of A with ${showBody(body, 0).replace(/"version":0/, '"version":<stored>')}`, () => true, async (m, r) => {
    const s = m.A;
    const version = Number(s.ctx?.metadata?.version ?? 1);
    const res = await r.api.send('PATCH', `/session-context/${r.api.tenant}/me/context`, { token: s.token, json: renderBody(body, version) });
    const after = await readOwn(r, s);
    if (!s.ctx) {
      // SC-404-02: no context, nothing to patch; and PATCH must not create one.
      must([...(is4xx(res.status) ? [] : [`answered ${res.status}, expected 404 (SC-404-02)`]), ...(after.status === 404 ? [] : [`the context now reads ${after.status}: PATCH created it`])], 'PATCH without a context');
      return;
    }
    if (after.status !== 200) must([`GET after PATCH answered ${after.status}`], 'PATCH');
    const e = expectPatch(body, 'application/json', r.target.specVersion, sites);
    const problems = checkWrite(e, res.status, s.ctx, after.ctx!);
    if (res.status === 204 && res.text.length) problems.push('a 204 carries a body (SC-PATCH-01)');
    if (is4xx(res.status) && e.outcome === 'reject' && body.kind === 'object' && body.metadata.kind === 'object' && body.metadata.key === 'metadata' && body.metadata.version.kind === 'delta' && e.reasons.length === 1 && ![404, 409].includes(res.status)) {
      problems.push(`a stale or future version answered ${res.status}; 404 (observed) or 409 (plausible) (SC-VERSION-01, SC-VERSION-02)`);
    }
    must(problems, `PATCH answered ${res.status}`);
    adopt(s, after);
  });
}

/** PUT /context/{id}, with or without upsert and saas-token. */
export function putCommand(label: 'A' | 'M', body: BodySpec, upsert: boolean, saas: boolean, sites: SiteValues): Command {
  return new Command(
    `PUT context of ${label}${upsert ? '?upsert=true' : ''}${saas ? ' with saas-token' : ''} ${showBody(body, 0).replace(/"version":0/, '"version":<stored>')}`,
    (m) => label === 'A' || !!m.M,
    async (m, r) => {
      if (!r.service) return;
      const s = sessionOf(m, label);
      const version = Number(s.ctx?.metadata?.version ?? 1);
      const sendSaas = saas && !!s.saasToken;
      const res = await r.api.putContext(r.service, s.sessionId, renderBody(body, version), { upsert, saasToken: sendSaas ? s.saasToken : undefined });
      const after = await readManaged(r, s, s.ctx !== undefined || (upsert && is2xx(res.status)));
      const customer = s.ctx?.customerId !== undefined;
      const e = expectPut(body, 'application/json', r.target.specVersion, sites, { customer, saasToken: sendSaas, saasTokenDemanded: saasTokenDemanded(res, customer) });
      if (!s.ctx) {
        const problems: string[] = [];
        if (res.status >= 500) problems.push(`answered ${res.status}`);
        if (!upsert && res.status !== 404 && !(is4xx(res.status) && e.outcome !== 'accept')) problems.push(`PUT without upsert on a missing context answered ${res.status}, expected 404 (SC-MGMT-PUT-05)`);
        if (!upsert && after.status !== 404) problems.push('PUT without upsert created the context (SC-MGMT-PUT-05)');
        if (upsert && is2xx(res.status)) {
          // Created (SC-MGMT-PUT-04): the values sent are there. Which version a new context starts with is not documented.
          if (after.status !== 200) problems.push(`PUT ?upsert=true answered ${res.status} but the context reads ${after.status} (SC-MGMT-PUT-04)`);
          else for (const [k, v] of Object.entries(e.set)) if (!e.free.has(k) && JSON.stringify(after.ctx![k] ?? (k === 'context' ? {} : undefined)) !== JSON.stringify(k === 'context' && isPlainObject(v) && !Object.keys(v).length ? {} : v)) problems.push(`upserted ${k} is ${JSON.stringify(after.ctx![k])}, sent ${JSON.stringify(v)}`);
        } else if (upsert && e.outcome === 'accept') {
          // A well-formed body with version 1 (what the hand-written upsert case sends too) creates the context.
          problems.push(`PUT ?upsert=true with a well-formed body on a missing context answered ${res.status}, expected 204 (SC-MGMT-PUT-04)`);
        }
        if (is4xx(res.status) && after.status !== 404) problems.push('a refused PUT created the context');
        must(problems, `PUT on a missing context answered ${res.status}`);
        adopt(s, after);
        return;
      }
      if (after.status !== 200) must([`GET after PUT answered ${after.status}`], 'PUT');
      must(checkWrite(e, res.status, s.ctx, after.ctx!), `PUT answered ${res.status}`);
      adopt(s, after);
    },
  );
}

/** Attribute POST, own (A) or management (A or M). */
export function attributePostCommand(label: 'A' | 'M', route: 'own' | 'management', name: string, value: unknown): Command {
  return new Command(
    `POST attribute ${JSON.stringify(name)}=${JSON.stringify(value)?.slice(0, 40)} to ${label} (${route})`,
    (m) => (route === 'own' ? label === 'A' : label === 'A' || !!m.M),
    async (m, r) => {
      if (route === 'management' && !r.service) return;
      const s = sessionOf(m, label);
      const body: BodySpec = { kind: 'object', fields: [['key', name], ['value', value]], metadata: { kind: 'absent' } };
      const res = route === 'own' ? await r.api.addOwnAttribute(s.token!, { key: name, value }) : await r.api.addAttribute(r.service!, s.sessionId, { key: name, value });
      const after = await readNow(r, s, s.ctx !== undefined || is2xx(res.status));
      if (!s.ctx) {
        // Management: SC-MGMT-ATTR-03. Own: not documented; a 2xx must then have made a context that holds it.
        const problems: string[] = [];
        if (res.status >= 500) problems.push(`answered ${res.status}`);
        if (route === 'management' && res.status !== 404) problems.push(`answered ${res.status}, expected 404 for a session without a context (SC-MGMT-ATTR-03)`);
        if (is4xx(res.status) && after.status !== 404) problems.push('a refused attribute write created a context');
        if (is2xx(res.status) && !(after.status === 200 && attributeOf(after.ctx, name).present)) problems.push(`answered ${res.status} but the attribute is not readable`);
        must(problems, `attribute POST without a context answered ${res.status}`);
        adopt(s, after);
        return;
      }
      const e = expectAttributePost(body, 'application/json', route === 'own');
      if (m.attributeWriteBumps !== undefined) e.versionDeltas = [m.attributeWriteBumps ? 1 : 0];
      const problems = checkWrite(e, res.status, s.ctx, after.ctx ?? {});
      if (route === 'own' && res.status === 201 && res.json !== name) problems.push(`201 must carry the name as a JSON string (SC-ATTR-01), got ${res.text.slice(0, 60)}`);
      must(problems, `attribute POST answered ${res.status}`);
      if (is2xx(res.status) && m.attributeWriteBumps === undefined) m.attributeWriteBumps = Number(after.ctx!.metadata?.version) !== Number(s.ctx.metadata?.version);
      adopt(s, after);
    },
  );
}

/** Attribute DELETE by name, own (A) or management (A or M). */
export function attributeDeleteCommand(label: 'A' | 'M', route: 'own' | 'management', name: string): Command {
  return new Command(
    `DELETE attribute ${JSON.stringify(name)} of ${label} (${route})`,
    (m) => (route === 'own' ? label === 'A' : label === 'A' || !!m.M),
    async (m, r) => {
      if (route === 'management' && !r.service) return;
      const s = sessionOf(m, label);
      const encoded = encodeURIComponent(name);
      const res = route === 'own' ? await r.api.deleteOwnAttribute(s.token!, encoded) : await r.api.deleteAttribute(r.service!, s.sessionId, encoded);
      const after = await readNow(r, s);
      const problems: string[] = [];
      if (res.status >= 500) problems.push(`answered ${res.status}`);
      if (!s.ctx) {
        if (!is4xx(res.status)) problems.push(`answered ${res.status} for a session without a context, expected a 4xx${route === 'management' ? ' (404, SC-MGMT-ATTR-04)' : ''}`);
        if (after.status !== 404) problems.push('a DELETE created a context');
        must(problems, 'attribute DELETE without a context');
        return;
      }
      const v = Number(s.ctx.metadata?.version);
      const versions = m.attributeWriteBumps === undefined ? [v, v + 1] : [m.attributeWriteBumps ? v + 1 : v];
      if (attributeOf(s.ctx, name).present) {
        if (res.status !== 204) problems.push(`DELETE of a stored attribute answered ${res.status}, expected 204 (SC-ATTR-03, SC-MGMT-ATTR-02)`);
        else {
          const expected = structuredClone(s.ctx);
          delete (expected.context as Record<string, unknown>)[name];
          problems.push(...differences(after.ctx ?? {}, expected, { versions, modifiedAt: 'free' }));
        }
      } else {
        if (route === 'own' ? res.status !== 404 : !is4xx(res.status)) problems.push(`DELETE of an attribute that is not there answered ${res.status}, expected ${route === 'own' ? '404 (SC-ATTR-04, observed)' : 'a 4xx'}`);
        problems.push(...differences(after.ctx ?? {}, s.ctx).map((d) => `a refused DELETE changed ${d}`));
      }
      must(problems, `attribute DELETE answered ${res.status}`);
      adopt(s, after);
    },
  );
}

/** Cart creation for A: the context then exists and carries the cartId (SC-CART-01); nothing else documented changes. */
export function cartCommand(): Command {
  return new Command('create a cart for A', (m) => !m.A.hasCart, async (m, r) => {
    const s = m.A;
    const cartId = await r.flows.createCart(s.token!);
    s.hasCart = true;
    const after = await readOwn(r, s, true);
    const problems: string[] = [];
    if (after.status !== 200) problems.push(`after cart creation GET answered ${after.status}, expected 200 (SC-CART-01)`);
    else {
      if (after.ctx!.cartId !== cartId) problems.push(`cartId is ${String(after.ctx!.cartId)}, the cart is ${cartId} (SC-CART-01)`);
      if (s.kind === 'anonymous' && after.ctx!.customerId !== undefined) problems.push('an anonymous context has a customerId (SC-GET-02)');
      if (s.ctx) {
        // The cart write may or may not raise the version (not documented); everything else stays.
        const v = Number(s.ctx.metadata?.version);
        problems.push(...differences(after.ctx!, { ...s.ctx, cartId }, { versions: [v, v + 1], modifiedAt: 'free' }));
      }
    }
    must(problems, 'cart creation');
    adopt(s, after);
  });
}

/**
 * What a customer login or an anonymous refresh must keep: everything but what the documents leave open. Login keeps
 * "the same session context" (BEHAVIOUR.md §4), a refresh "update[s] a session-context document with given session
 * ID" (customer-management.yaml). Open (§6): the session fields login may re-derive (siteCode, currency,
 * targetLocation, language; SC-LIFE-06 and SC-LIFE-09 leave the refresh's update open the same way), whether the
 * version is raised, modifiedAt, and for login the customerId it adds. Everything else, the custom attributes, the
 * cartId, the sessionId and the document itself (createdAt; a version that never goes back), stays.
 */
function lifecycleKeeps(event: 'login' | 'refresh', before: Ctx, after: Ctx): string[] {
  const ids: Record<string, string> = event === 'login' ? { sessionId: 'SC-LIFE-01', cartId: 'SC-LIFE-02', context: 'SC-LIFE-08' } : { sessionId: 'SC-LIFE-04', cartId: 'SC-LIFE-09', context: 'SC-LIFE-09' };
  const free = new Set(['siteCode', 'currency', 'targetLocation', 'language', 'version', ...(event === 'login' ? ['customerId'] : [])]);
  const out = differences(after, before, { free, createdAt: 'same', modifiedAt: 'free' }).map((d) => {
    const field = /^[A-Za-z]+/.exec(d)?.[0] ?? '';
    return `after ${event} ${d} (${ids[field] ?? 'SC-LIFE-10'})`;
  });
  const [v, w] = [Number(before.metadata?.version), Number(after.metadata?.version)];
  if (!(w >= v)) out.push(`after ${event} metadata.version went back from ${v} to ${String(after.metadata?.version)}: not the same context document (SC-LIFE-10)`);
  return out;
}

/** Anonymous refresh of A: the same session (SC-LIFE-04), a new refresh token (SC-LIFE-05), the same context (SC-LIFE-09, SC-LIFE-10). */
export function refreshCommand(): Command {
  return new Command('refresh the anonymous token of A', (m) => m.A.kind === 'anonymous' && !!m.A.refreshToken, async (m, r) => {
    const s = m.A;
    const res = await r.api.anonymousRefresh(r.target.storefrontClientId, s.refreshToken!);
    const problems: string[] = [];
    if (res.status !== 200) must([`refresh answered ${res.status}`], 'anonymous refresh');
    const body = res.json as Record<string, string>;
    const sid = body.sessionId ?? body.session_id;
    if (sid !== s.sessionId) problems.push(`refresh answered session ${sid}, expected ${s.sessionId} (SC-LIFE-04)`);
    if (body.refresh_token === s.refreshToken) problems.push('refresh answered the same refresh token (SC-LIFE-05, observed)');
    s.token = body.access_token;
    s.refreshToken = body.refresh_token;
    if (s.anonymous) s.anonymous = { ...s.anonymous, token: s.token, refreshToken: s.refreshToken };
    // Whether a refresh may make a context is not documented: absence only after the bound.
    const after = await readOwn(r, s, true);
    if (s.ctx) {
      if (after.status !== 200) problems.push(`after refresh GET answered ${after.status}, expected 200 (SC-LIFE-09)`);
      else problems.push(...lifecycleKeeps('refresh', s.ctx, after.ctx!));
    } else if (after.status >= 500) problems.push(`after refresh GET answered ${after.status}`);
    must(problems, 'anonymous refresh');
    adopt(s, after);
  });
}

/** Customer login with A's anonymous token (SC-LIFE-01..03, -08, -10); what login re-derives is adopted (SC-LIFE-06). */
export function loginCommand(): Command {
  return new Command('log A in as the test customer', (m) => m.A.kind === 'anonymous' && !!m.A.anonymous, async (m, r) => {
    const s = m.A;
    const customer = await r.flows.customer(r.target.customer!, s.anonymous);
    const problems: string[] = [];
    if (customer.sessionId !== s.sessionId) problems.push(`login answered session ${customer.sessionId}, the anonymous session is ${s.sessionId} (SC-LIFE-01)`);
    s.kind = 'customer';
    s.token = customer.token;
    s.saasToken = customer.saasToken;
    s.refreshToken = undefined;
    const after = await readOwn(r, s, true);
    if (s.ctx) {
      if (after.status !== 200) problems.push(`after login GET answered ${after.status}, expected 200 (SC-LIFE-02)`);
      else {
        if (typeof after.ctx!.customerId !== 'string' || !after.ctx!.customerId) problems.push('after login the context has no customerId (SC-LIFE-03)');
        problems.push(...lifecycleKeeps('login', s.ctx, after.ctx!));
      }
    } else if (after.status >= 500 || (after.status === 200 && !after.ctx!.customerId)) problems.push(`after login GET answered ${after.status} without a customerId`);
    must(problems, 'customer login');
    adopt(s, after);
  });
}

// ------------------------------------------------------------------ bursts

/** Valid PATCH bodies with the current version: site values, maybe a context map of plain names. */
export function validPatch(sites: SiteValues, spec: '2026-04' | '2022-11', withContext: boolean): fc.Arbitrary<BodySpec> {
  const fields = spec === '2026-04' ? (['siteCode', 'currency', 'targetLocation', 'language'] as const) : (['siteCode', 'currency', 'targetLocation'] as const);
  return fc
    .record({
      picked: fc.subarray([...fields], { minLength: withContext ? 0 : 1 }),
      values: fc.record(Object.fromEntries(fields.map((f) => [f, fc.constantFrom(...(sites[f].length ? sites[f] : ['x']))])) as Record<(typeof fields)[number], fc.Arbitrary<string>>),
      context: withContext ? fc.dictionary(plainName, fc.string({ maxLength: 6 }), { maxKeys: 3, noNullPrototype: true }) : fc.constant(undefined),
    })
    .map(({ picked, values, context }): BodySpec => ({
      kind: 'object',
      fields: [...picked.map((f): [string, unknown] => [f, values[f]]), ...(context ? [['context', context] as [string, unknown]] : [])],
      metadata: { kind: 'object', key: 'metadata', version: { kind: 'current' }, extra: {} },
    }));
}

export type Writer = { kind: 'patch'; body: BodySpec } | { kind: 'put'; body: BodySpec } | { kind: 'post'; route: 'own' | 'management'; name: string; value: unknown } | { kind: 'delete'; route: 'own' | 'management'; name: string };

function writerTitle(w: Writer): string {
  if (w.kind === 'patch' || w.kind === 'put') return `${w.kind.toUpperCase()} ${showBody(w.body, 0).replace(/"version":0/, '"version":<stored>')}`;
  if (w.kind === 'post') return `POST attribute ${JSON.stringify(w.name)} (${w.route})`;
  return `DELETE attribute ${JSON.stringify(w.name)} (${w.route})`;
}

/**
 * Concurrent writes to A, all sent at once. Versioned writers (PATCH, PUT) carry the same current version: at most
 * one succeeds, exactly one when no attribute write can have raised the version first (SC-VERSION-09); the winner's
 * fields are applied; every attribute POST and DELETE takes effect (they take no version, SC-ATTR-06).
 */
export function burstCommand(writers: Writer[], sites: SiteValues): Command {
  return new Command(`burst on A, all at once: ${writers.map(writerTitle).join(' | ')}`, (m) => !!m.A.ctx, async (m, r) => {
    const s = m.A;
    const before = s.ctx!;
    const version = Number(before.metadata?.version);
    const usable = writers.filter((w) => (w.kind === 'put' || (w.kind !== 'patch' && w.route === 'management') ? !!r.service : true));
    const answers = await Promise.all(
      usable.map((w) => {
        if (w.kind === 'patch') return r.api.send('PATCH', `/session-context/${r.api.tenant}/me/context`, { token: s.token, json: renderBody(w.body, version) });
        if (w.kind === 'put') return r.api.putContext(r.service!, s.sessionId, renderBody(w.body, version), { saasToken: s.saasToken });
        if (w.kind === 'post') return w.route === 'own' ? r.api.addOwnAttribute(s.token!, { key: w.name, value: w.value }) : r.api.addAttribute(r.service!, s.sessionId, { key: w.name, value: w.value });
        return w.route === 'own' ? r.api.deleteOwnAttribute(s.token!, encodeURIComponent(w.name)) : r.api.deleteAttribute(r.service!, s.sessionId, encodeURIComponent(w.name));
      }),
    );
    const after = await readOwn(r, s);
    const problems: string[] = [];
    if (after.status !== 200) must([`after the burst GET answered ${after.status}`], 'burst');
    const got = after.ctx!;
    answers.forEach((x, i) => x.status >= 500 && problems.push(`writer ${i + 1} answered ${x.status}`));
    // A PUT refused for want of saas-token on a context that is not a customer's (open, BEHAVIOUR.md §8) took no part in the race.
    const versioned = usable.map((w, i) => ({ w, x: answers[i] })).filter(({ w, x }) => (w.kind === 'patch' || w.kind === 'put') && !saasTokenDemanded(x, before.customerId !== undefined));
    const attributeWriters = usable.filter((w) => w.kind === 'post' || w.kind === 'delete');
    const winners = versioned.filter(({ x }) => x.status === 204);
    for (const { w, x } of versioned) if (x.status !== 204 && ![404, 409].includes(x.status)) problems.push(`${w.kind.toUpperCase()} answered ${x.status}: 204, or 404/409 for the loser of a version race`);
    if (winners.length > 1) problems.push(`${winners.length} writers with the same version succeeded; at most one may (SC-VERSION-09)`);
    const mayLoseAll = attributeWriters.length > 0 && m.attributeWriteBumps !== false;
    if (versioned.length && winners.length === 0 && !mayLoseAll) problems.push('no writer with the current version succeeded; exactly one must (SC-VERSION-09)');
    // Expected map: the winner's context (if it sent one) is the base only when no attribute writer ran alongside.
    let expected: Ctx = structuredClone(before);
    const free = new Set<string>();
    if (winners.length === 1) {
      const w = winners[0].w as Extract<Writer, { body: BodySpec }>;
      const e = w.kind === 'patch' ? expectPatch(w.body, 'application/json', r.target.specVersion, sites) : expectPut(w.body, 'application/json', r.target.specVersion, sites, { customer: before.customerId !== undefined, saasToken: !!s.saasToken });
      for (const [k, v] of Object.entries(e.set)) expected[k] = structuredClone(v);
      for (const k of e.free) free.add(k);
      // Whether the winner's map or an attribute writer came last is a matter of timing.
      if ('context' in e.set && attributeWriters.length) free.add('context');
    }
    const map: Record<string, unknown> = isPlainObject(expected.context) ? { ...expected.context } : {};
    usable.forEach((w, i) => {
      const x = answers[i];
      if (w.kind === 'post') {
        if (!is2xx(x.status)) problems.push(`attribute POST ${JSON.stringify(w.name)} answered ${x.status}; attribute writes take no version and must not lose a race (SC-ATTR-06)`);
        map[w.name] = w.value;
      } else if (w.kind === 'delete') {
        const present = attributeOf(before, w.name).present;
        if (present && x.status !== 204) problems.push(`DELETE of stored ${JSON.stringify(w.name)} answered ${x.status}, expected 204 (SC-ATTR-03)`);
        delete map[w.name];
      }
    });
    expected = { ...expected, context: map };
    const bump = winners.length ? 1 : 0;
    const attrs = attributeWriters.length;
    const maxAttr = m.attributeWriteBumps === false ? 0 : attrs;
    const minAttr = m.attributeWriteBumps === true ? attrs : 0;
    const versions = Array.from({ length: maxAttr - minAttr + 1 }, (_, i) => version + bump + minAttr + i);
    problems.push(...differences(got, expected, { free, versions, modifiedAt: 'free', createdAt: winners.some(({ w }) => w.kind === 'put') ? 'free' : 'same' }));
    must(problems, 'burst of concurrent writes');
    adopt(s, after);
  });
}
