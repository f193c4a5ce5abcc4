/**
 * What the documents say a write does, as a function of the request: accepted (and then exactly which fields
 * change), rejected (a 4xx that changes nothing), or either, where the documents leave it open. Shared by the
 * property runs and the model. Section numbers refer to BEHAVIOUR.md.
 *
 * Open points are never decided here (COMMON.md: never assert an UNKNOWN): a value outside the target's own sites,
 * a wrong-typed field, a coercible version (`3.0`, `"3"`), another content type, a prototype-named key, a body near
 * the size limit. For those a 2xx must still apply exactly what was sent, and a 4xx must change nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { hasPrototypeKey, isPlainName, renderBody, type BodySpec, type SiteValues, type SpecVersion, type VersionSpec } from '../generators.js';

export type Ctx = Record<string, unknown> & { metadata?: { version?: unknown; createdAt?: unknown; modifiedAt?: unknown } };

export type Outcome = 'accept' | 'reject' | 'either';

export interface Expectation {
  outcome: Outcome;
  /** Why the outcome is not simply "accept": each reason as a short fact. */
  reasons: string[];
  /** Field values an accepted write sets (top level; `context` is the whole map). */
  set: Record<string, unknown>;
  /** Attribute values an accepted attribute write sets, by name. */
  setAttributes: Record<string, unknown>;
  /** Top-level fields an accepted write may change in any way. */
  free: Set<string>;
  /**
   * Fields sent with a value of the wrong type (not null): a 2xx may coerce or store it, but must not drop it
   * silently, so the field must differ from before (null is left free: "not provided" is a common reading).
   */
  mustChange: Set<string>;
  /** Versions an accepted write may leave, relative to the stored one. */
  versionDeltas: number[];
  /** Whether an accepted write must move modifiedAt forward (PATCH, SC-VERSION-08). */
  modifiedForward: boolean;
  /** Whether an accepted write keeps createdAt. */
  keepsCreatedAt: boolean;
  /** Status codes of an accepted write. */
  acceptStatus: number[];
}

function base(acceptStatus: number[]): Expectation {
  return { outcome: 'accept', reasons: [], set: {}, setAttributes: {}, free: new Set(), mustChange: new Set(), versionDeltas: [1], modifiedForward: false, keepsCreatedAt: true, acceptStatus };
}

function worsen(e: Expectation, to: Outcome, reason: string): void {
  e.reasons.push(reason);
  if (to === 'reject') e.outcome = 'reject';
  else if (e.outcome === 'accept') e.outcome = 'either';
}

/** Nesting depth of a JSON text (brackets outside strings). */
export function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') max = Math.max(max, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return max;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];

/** The version rules of PATCH and PUT (SC-VERSION-01..05, SC-MGMT-PUT-03, -07). */
function versionRule(e: Expectation, spec: VersionSpec): void {
  switch (spec.kind) {
    case 'current':
      return;
    case 'delta':
      return worsen(e, 'reject', `metadata.version is ${spec.delta > 0 ? 'ahead of' : 'behind'} the stored one by ${Math.abs(spec.delta)}`);
    case 'raw':
      // `3.0` and `3e0` are the integer 3 to many JSON binders; every other token here is not the stored version.
      if (spec.token === '{v}.0' || spec.token === '{v}e0') return worsen(e, 'either', `metadata.version ${spec.token} may be read as the stored integer`);
      return worsen(e, 'reject', `metadata.version ${spec.token} is not the stored version`);
    case 'json':
      return worsen(e, 'reject', `metadata.version ${JSON.stringify(spec.value)} is not an integer`);
    case 'string-of-current':
      return worsen(e, 'either', 'metadata.version is the stored version as a string, which a lenient binder may coerce');
    case 'absent':
      return worsen(e, 'reject', 'metadata has no version');
  }
}

function commonBodyRules(e: Expectation, body: BodySpec, contentType: string): body is Extract<BodySpec, { kind: 'object' }> {
  if (!JSON_TYPES.includes(contentType)) worsen(e, 'either', `content type ${contentType}`);
  if (body.kind === 'text' && !JSON_TYPES.includes(contentType)) {
    // Text under another content type may be that type's valid encoding (key=a&value=b as a form): not documented.
    for (const f of ['siteCode', 'currency', 'targetLocation', 'language', 'context', 'cartId']) e.free.add(f);
    e.versionDeltas = [0, 1];
    e.modifiedForward = false;
    return false;
  }
  if (body.kind === 'text') {
    worsen(e, 'reject', 'the body is not JSON');
    return false;
  }
  if (body.kind === 'json') {
    worsen(e, 'reject', 'the body is not a JSON object');
    return false;
  }
  const text = renderBody(body);
  if (hasPrototypeKey(text)) worsen(e, 'either', 'the body has a prototype-named key, which a JSON guard may refuse');
  if (text.length > 60_000) worsen(e, 'either', 'the body is near or over a plausible size limit');
  if (depthOf(text) > 32) worsen(e, 'either', 'the body is nested deeper than 32 levels; no depth limit is documented');
  return true;
}

function sessionFieldRule(e: Expectation, field: string, value: unknown, sites: SiteValues): void {
  if (typeof value === 'string' && (sites as unknown as Record<string, string[]>)[field]?.includes(value)) {
    e.set[field] = value;
  } else if (typeof value === 'string' && value.trim().length > 0) {
    // Whether PATCH validates values against the Site, Currency and Country services is UNKNOWN (§6).
    worsen(e, 'either', `${field} ${JSON.stringify(value.slice(0, 20))} is not a value of the target's sites`);
    e.set[field] = value;
  } else {
    worsen(e, 'either', `${field} is ${JSON.stringify(value)}, not a usable string`);
    e.free.add(field);
    if (value !== null && typeof value !== 'string') e.mustChange.add(field);
  }
}

function contextRule(e: Expectation, value: unknown): void {
  if (isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string' || isPlainObject(v))) {
    const awkward = Object.keys(value).filter((k) => !isPlainName(k));
    if (awkward.length) worsen(e, 'either', `context has awkward names ${JSON.stringify(awkward.map((k) => k.slice(0, 12)))} (SC-INPUT-01)`);
    e.set.context = value;
  } else {
    worsen(e, 'either', `context is ${JSON.stringify(value)?.slice(0, 40)}, not a map of objects or strings`);
    e.free.add('context');
  }
}

/** PATCH /me/context (§1): whitelisted fields replace, `context` replaces the map (OBSERVED), the rest is ignored. */
export function expectPatch(body: BodySpec, contentType: string, spec: SpecVersion, sites: SiteValues): Expectation {
  const e = base([204]);
  e.modifiedForward = true;
  if (!commonBodyRules(e, body, contentType)) return e;
  const m = body.metadata;
  if (m.kind === 'absent') worsen(e, 'reject', 'the body has no metadata');
  else if (m.kind === 'value') worsen(e, 'reject', `metadata is ${JSON.stringify(m.value)}, not an object`);
  else if (m.key !== 'metadata') worsen(e, 'reject', `metadata is sent as "${m.key}", a field the spec does not know`);
  else versionRule(e, m.version);
  const whitelist = spec === '2026-04' ? ['siteCode', 'currency', 'targetLocation', 'language', 'context'] : ['siteCode', 'currency', 'targetLocation', 'context'];
  for (const [k, v] of body.fields) {
    if (!whitelist.includes(k)) continue;
    if (k === 'context') contextRule(e, v);
    else sessionFieldRule(e, k, v, sites);
  }
  return e;
}

/**
 * PUT /context/{id} (§1): the fields sent are set; what happens to fields not sent is not documented.
 * `saasTokenDemanded`: the answer was the refusal of a PUT without saas-token on a context that is not a customer's
 * (flows.saasTokenDemanded), which the documents leave open (§8).
 */
export function expectPut(body: BodySpec, contentType: string, spec: SpecVersion, sites: SiteValues, opts: { customer: boolean; saasToken: boolean; saasTokenDemanded?: boolean }): Expectation {
  const e = base([204]);
  e.keepsCreatedAt = false;
  if (!commonBodyRules(e, body, contentType)) return e;
  const m = body.metadata;
  if (m.kind === 'absent') worsen(e, 'reject', 'the body has no metadata');
  else if (m.kind === 'value') worsen(e, 'reject', `metadata is ${JSON.stringify(m.value)}, not an object`);
  else if (m.key !== 'metadata') worsen(e, 'reject', `metadata is sent as "${m.key}"`);
  else versionRule(e, m.version);
  if (opts.customer && !opts.saasToken) worsen(e, 'reject', "the context is a customer's and no saas-token is sent (OBSERVED, SC-MGMT-PUT-08)");
  else if (opts.saasTokenDemanded) worsen(e, 'either', "the target wants a saas-token also for a context that is not a customer's (open, §8)");
  const fields = spec === '2026-04' ? ['siteCode', 'currency', 'targetLocation', 'language'] : ['siteCode', 'currency', 'targetLocation'];
  const sent = new Set(body.fields.map(([k]) => k));
  // "Include `context` to update custom attributes" (the PUT request body, 2026-06-11): without it they stay as they
  // are. What PUT does to the other fields it does not carry is not documented.
  for (const f of ['siteCode', 'currency', 'targetLocation', 'language', 'cartId', 'customerId']) if (!sent.has(f)) e.free.add(f);
  for (const [k, v] of body.fields) {
    if (fields.includes(k)) sessionFieldRule(e, k, v, sites);
    else if (k === 'context') contextRule(e, v);
    else if (k === 'cartId' || k === 'customerId' || k === 'sessionId' || k === 'language') {
      // Not documented for PUT: whether a cartId or customerId is taken, or a sessionId other than the path's refused.
      worsen(e, 'either', `${k} in a PUT body is not documented`);
      if (k !== 'sessionId') e.free.add(k);
    }
  }
  return e;
}

/** Attribute POST, own (201 with the name as a JSON string) or management (204); no version (SC-ATTR-06). */
export function expectAttributePost(body: BodySpec, contentType: string, own: boolean): Expectation & { name?: string } {
  const e: Expectation & { name?: string } = base(own ? [201] : [204]);
  // Whether attribute writes raise metadata.version is UNKNOWN (SC-ATTR-07); that they raise it by more is not.
  e.versionDeltas = [0, 1];
  e.keepsCreatedAt = true;
  if (!commonBodyRules(e, body, contentType)) return e;
  const fields = new Map(body.fields);
  const key = fields.get('key');
  if (!fields.has('key') || key === null || typeof key === 'object') {
    worsen(e, 'reject', `key is ${fields.has('key') ? JSON.stringify(key) : 'missing'}`);
    return e;
  }
  const name = String(key);
  e.name = name;
  if (typeof key !== 'string') worsen(e, 'either', `key ${JSON.stringify(key)} is not a string (a binder may coerce it)`);
  else if (name.length === 0) worsen(e, 'either', 'key is empty');
  else if (!isPlainName(name)) worsen(e, 'either', `the name ${JSON.stringify(name.slice(0, 24))} is awkward (SC-INPUT-01)`);
  if (!fields.has('value')) {
    worsen(e, 'either', 'value is missing');
    e.free.add('context');
    return e;
  }
  const value = fields.get('value');
  if (!(typeof value === 'string' || isPlainObject(value))) worsen(e, 'either', `value ${JSON.stringify(value)} is neither an object nor a string`);
  Object.defineProperty(e.setAttributes, name, { value, enumerable: true, writable: true, configurable: true });
  return e;
}

// ------------------------------------------------------------------ comparison

/** The context map as the documents fix it: no `context` key and an empty map are the same (§2). */
function mapOf(ctx: Ctx | undefined): Record<string, unknown> {
  const c = ctx?.context;
  return isPlainObject(c) ? c : {};
}

/** Own data properties only: `__proto__` or `constructor` must not be read off Object.prototype. */
export function attributeOf(ctx: Ctx | undefined, name: string): { present: boolean; value?: unknown } {
  const map = mapOf(ctx);
  return Object.hasOwn(map, name) ? { present: true, value: Object.getOwnPropertyDescriptor(map, name)?.value } : { present: false };
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 160 ? `${s.slice(0, 150)}… (${s.length} characters)` : s;
};

/**
 * Differences between a context read after a write and what it should be, as readable lines. `expected` is the
 * full context; fields in `free` are not compared; `versions` lists the allowed metadata.version values.
 */
export function differences(actual: Ctx, expected: Ctx, opts: { free?: Set<string>; versions?: number[]; createdAt?: 'same' | 'free'; modifiedAt?: 'same' | 'forward' | 'free'; before?: Ctx } = {}): string[] {
  const out: string[] = [];
  const free = opts.free ?? new Set<string>();
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  keys.delete('metadata');
  for (const k of keys) {
    if (free.has(k)) continue;
    if (k === 'context') {
      if (!isDeepStrictEqual(mapOf(actual), mapOf(expected))) out.push(`context is ${short(mapOf(actual))}, expected ${short(mapOf(expected))}`);
      continue;
    }
    if (!isDeepStrictEqual(actual[k], expected[k])) out.push(`${k} is ${short(actual[k])}, expected ${short(expected[k])}`);
  }
  const av = actual.metadata?.version;
  const versions = opts.versions ?? [expected.metadata?.version as number];
  if (!free.has('version') && !versions.includes(av as number)) out.push(`metadata.version is ${short(av)}, expected ${versions.join(' or ')}`);
  if ((opts.createdAt ?? 'same') === 'same' && actual.metadata?.createdAt !== expected.metadata?.createdAt) {
    out.push(`metadata.createdAt is ${short(actual.metadata?.createdAt)}, expected ${short(expected.metadata?.createdAt)}`);
  }
  const mode = opts.modifiedAt ?? 'same';
  const was = opts.before?.metadata?.modifiedAt ?? expected.metadata?.modifiedAt;
  if (mode === 'same' && actual.metadata?.modifiedAt !== was) out.push(`metadata.modifiedAt moved: ${short(was)} → ${short(actual.metadata?.modifiedAt)}`);
  if (mode === 'forward' && !(Date.parse(String(actual.metadata?.modifiedAt)) > Date.parse(String(was)))) {
    out.push(`metadata.modifiedAt did not move forward: ${short(was)} → ${short(actual.metadata?.modifiedAt)}`);
  }
  return out;
}

/** The context an accepted write should leave, from the one before. */
export function applied(before: Ctx, e: Expectation): Ctx {
  const after: Ctx = structuredClone(before);
  for (const [k, v] of Object.entries(e.set)) after[k] = structuredClone(v);
  if (Object.keys(e.setAttributes).length) {
    const map: Record<string, unknown> = { ...mapOf(before) };
    for (const [k, v] of Object.entries(e.setAttributes)) Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
    after.context = map;
  }
  return after;
}

/** Checks the context after a write against the expectation: exact where accepted, unchanged where rejected. */
export function checkWrite(e: Expectation, status: number, before: Ctx, after: Ctx): string[] {
  const v = Number(before.metadata?.version);
  if (status >= 500) return [`answered ${status}: never a 5xx (SC-HTTP-01)`];
  if (status >= 200 && status < 300) {
    if (e.outcome === 'reject') return [`answered ${status}, but the write must be rejected: ${e.reasons.join('; ')}`];
    const out = e.acceptStatus.includes(status) ? [] : [`answered ${status}, the documented success is ${e.acceptStatus.join(' or ')}`];
    for (const f of e.mustChange) {
      if (isDeepStrictEqual(after[f], before[f])) out.push(`${f} was sent with a value of the wrong type, answered ${status}, and kept ${short(before[f])}: silently dropped`);
    }
    return out.concat(
      differences(after, applied(before, e), {
        free: e.free,
        versions: e.versionDeltas.map((d) => v + d),
        createdAt: e.keepsCreatedAt ? 'same' : 'free',
        modifiedAt: e.modifiedForward ? 'forward' : 'free',
        before,
      }),
    );
  }
  if (status >= 400 && status < 500) {
    if (e.outcome === 'accept') return [`answered ${status}, but the write must be accepted`];
    return differences(after, before).map((d) => `a rejected write changed something: ${d}`);
  }
  return [`answered ${status}: neither a 2xx nor a 4xx`];
}
