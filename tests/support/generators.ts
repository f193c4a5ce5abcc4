/**
 * fast-check generators of hostile and odd input for the Session Context write operations (issue 10 §2), and
 * what a generated request is: a plain value that prints as a readable request and renders to the exact bytes sent.
 *
 * A version is generated as an intent relative to the stored one (current, stale, future, a raw JSON token such as
 * `3.0`), resolved when the request is sent: a replayed counterexample means the same thing against a new session.
 */
import fc from 'fast-check';

export type SpecVersion = '2026-04' | '2022-11';

/** A metadata.version as sent. `raw` is a JSON number token written verbatim (`{v}` is the stored version). */
export type VersionSpec =
  | { kind: 'current' }
  | { kind: 'delta'; delta: number }
  | { kind: 'raw'; token: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'string-of-current' }
  | { kind: 'absent' };

/** What stands where `metadata` belongs, under which key. */
export type MetadataSpec =
  | { kind: 'object'; key: string; version: VersionSpec; extra: Record<string, unknown> }
  | { kind: 'value'; key: string; value: unknown }
  | { kind: 'absent' };

export interface ObjectBody {
  kind: 'object';
  /** Fields other than metadata, in order. */
  fields: [string, unknown][];
  metadata: MetadataSpec;
}

export type BodySpec = ObjectBody | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

/** Names the documents leave open or that need care: each may round-trip or be refused with a 4xx (SC-INPUT-01). */
export const AWKWARD_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__',
  'a.b', 'a..b', '.', '..', 'a/b', '/', 'a%2Fb', '%2F', 'a%20b', '%', '%%', '100%', 'a+b', 'a b', ' lead', 'trail ',
  'a;b', 'a?b', 'a#b', 'a&b=c', 'a\\b', 'ü', 'größe', 'ключ', '键', '🛒', 'e\u0301', '\u200b', 'tab\there', 'null',
  'undefined', 'true', '0', '-1', '$where', '{{x}}', '<b>', "a'b", 'a"b', 'metadata', 'context', 'sessionId',
];

/** Plain names: letters, digits, `_` and `-`. Any implementation must round-trip these. */
export const plainName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);

/**
 * A name whose way back in a path the documents leave open (a slash, a backslash, a `;` that Java servers treat as
 * a path parameter, dot segments, control characters, edges of whitespace, very long): a DELETE may get a 4xx.
 * A `%` is not among them: percent-encoded as %25 it is unambiguous (RFC 3986), and double decoding is a bug.
 */
export function encodingOpen(name: string): boolean {
  return (
    name === '.' || name === '..' || name.trim() !== name || name.length === 0 || name.length > 512 ||
    /[/\\;]/.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
  );
}

/** Plain ASCII identifiers are what every implementation must store and delete by name. */
export function isPlainName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name) && !['__proto__', 'constructor', 'prototype'].includes(name);
}

const unicodeName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const longName = fc.tuple(fc.constantFrom('k', 'ü', '%', 'a/'), fc.integer({ min: 200, max: 2000 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
const percentName = fc.tuple(plainName, fc.constantFrom('%2F', '%20', '%25', '%', '%zz', '%C3%BC', '%2e%2e')).map(([a, b]) => `${a}${b}`);

/** Attribute names of every kind the issue lists: plain, unicode, long, percent-encoded-looking, prototype-named. */
export const attributeName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: plainName },
  { weight: 3, arbitrary: fc.constantFrom(...AWKWARD_NAMES) },
  { weight: 2, arbitrary: unicodeName },
  { weight: 1, arbitrary: percentName },
  { weight: 1, arbitrary: longName },
);

/** Deeply nested object: {level: {level: … value}}, now and then hundreds to a thousand levels (no limit is documented). */
export const deepObject = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 2, max: 120 }) }, { weight: 1, arbitrary: fc.integer({ min: 300, max: 1200 }) }), fc.oneof(fc.string({ maxLength: 8 }), fc.constant({}))).map(([depth, leaf]) => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { level: v };
  return v as Record<string, unknown>;
});

/** Wide object: many keys. */
export const wideObject = fc.integer({ min: 20, max: 400 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`])));

/** Valid attribute values: strings and objects (the spec's example and ContextAttribute allow both, §1). */
export const attributeValue: fc.Arbitrary<string | Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 4, arbitrary: fc.dictionary(plainName, fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4, noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: deepObject },
  { weight: 1, arbitrary: wideObject },
  { weight: 1, arbitrary: fc.integer({ min: 5000, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

/** Every JSON type, including the ones an object field never takes. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Non-object bodies: where an object belongs, arrays and scalars. */
export const nonObjectJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 12 }), fc.constant([]),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }),
);

/** Key case variants of a name: the exact name, upper, lower, capitalised, or random case. */
export function caseOf(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(name) },
    { weight: 1, arbitrary: fc.constant(name.toUpperCase()) },
    { weight: 1, arbitrary: fc.constant(name.toLowerCase()) },
    { weight: 1, arbitrary: fc.constant(name[0].toUpperCase() + name.slice(1)) },
    { weight: 1, arbitrary: fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) => [...name].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join('')) },
  );
}

export const versionSpec: fc.Arbitrary<VersionSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<VersionSpec>({ kind: 'current' }) },
  { weight: 2, arbitrary: fc.constantFrom(-1, 1, -2, 2, 7, -1000).map((delta): VersionSpec => ({ kind: 'delta', delta })) },
  { weight: 2, arbitrary: fc.constantFrom('{v}.0', '{v}e0', '{v}.5', '-{v}', '1e400', '-1e400', '99999999999999999999', '-0', '0', '9007199254740993', '-9223372036854775809').map((token): VersionSpec => ({ kind: 'raw', token })) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, '', 'abc', 'v1', [], {}, [1], { value: 1 }).map((value): VersionSpec => ({ kind: 'json', value })) },
  { weight: 1, arbitrary: fc.constant<VersionSpec>({ kind: 'string-of-current' }) },
  { weight: 1, arbitrary: fc.constant<VersionSpec>({ kind: 'absent' }) },
);

const isoDate = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

export const metadataSpec: fc.Arbitrary<MetadataSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ key: fc.constant('metadata'), version: versionSpec, extra: fc.record({ createdAt: isoDate, modifiedAt: isoDate }, { requiredKeys: [] }) }).map((m): MetadataSpec => ({ kind: 'object', ...m })) },
  { weight: 1, arbitrary: fc.record({ key: caseOf('metadata').filter((k) => k !== 'metadata'), version: fc.constant<VersionSpec>({ kind: 'current' }), extra: fc.constant({}) }).map((m): MetadataSpec => ({ kind: 'object', ...m })) },
  { weight: 1, arbitrary: nonObjectJson.map((value): MetadataSpec => ({ kind: 'value', key: 'metadata', value })) },
  { weight: 1, arbitrary: fc.constant<MetadataSpec>({ kind: 'absent' }) },
);

/** Values of the target's own sites: what every implementation, validating or not, must accept (§6, SC-DERIVE-VALIDATE-01). */
export interface SiteValues {
  siteCode: string[];
  currency: string[];
  targetLocation: string[];
  language: string[];
}

export function siteValuesOf(sites: { code: string; currency?: string; availableCurrencies?: string[]; homeBase?: { address?: { country?: string } }; shipToCountries?: string[]; languages?: string[]; defaultLanguage?: string }[]): SiteValues {
  const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string' && x.length > 0))];
  return {
    siteCode: uniq(sites.map((s) => s.code)),
    currency: uniq(sites.flatMap((s) => [s.currency, ...(s.availableCurrencies ?? [])])),
    targetLocation: uniq(sites.flatMap((s) => [s.homeBase?.address?.country, ...(s.shipToCountries ?? [])])),
    language: uniq(sites.flatMap((s) => [s.defaultLanguage, ...(s.languages ?? [])])),
  };
}

const SESSION_FIELDS = ['siteCode', 'currency', 'targetLocation', 'language'] as const;
export const PROTECTED_FIELDS = ['sessionId', 'customerId', 'cartId'] as const;

/** A value for a session field: mostly a site's own, sometimes any string, sometimes the wrong JSON type. */
function fieldValue(field: (typeof SESSION_FIELDS)[number], sites: SiteValues): fc.Arbitrary<unknown> {
  const own = sites[field].length ? fc.constantFrom(...sites[field]) : fc.constant('DE');
  return fc.oneof(
    { weight: 6, arbitrary: own },
    { weight: 1, arbitrary: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom('xx', 'ZZZ', 'eur', 'de_DE', ' ', '🛒', 'a'.repeat(300))) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(['EUR'])) },
  );
}

/** A `context` map value: valid maps mostly (awkward names included), then empty, null, wrong-typed values and non-objects. */
export const contextMap: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.uniqueArray(fc.tuple(fc.oneof({ weight: 4, arbitrary: plainName }, { weight: 1, arbitrary: attributeName }), attributeValue), { maxLength: 4, selector: ([k]) => k }).map((entries) => objectOf(entries)) },
  { weight: 2, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.dictionary(plainName, fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([1, 2])), { minKeys: 1, maxKeys: 2, noNullPrototype: true }) },
  { weight: 1, arbitrary: nonObjectJson.filter((v) => v !== null) },
);

/** A plain object from entries, with `__proto__` and friends as own data properties. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/**
 * Fields that are not whitelisted: protected ones, case variants of known ones (with a value that would be usable
 * under the real name, so that a case-insensitive binder shows), and unknown names with any value.
 */
function otherField(sites: SiteValues): fc.Arbitrary<[string, unknown]> {
  const usable = (f: string): fc.Arbitrary<unknown> =>
    f === 'context' ? fc.constant({ forged: 'x' }) : f in sites && (sites as unknown as Record<string, string[]>)[f].length ? fc.constantFrom(...(sites as unknown as Record<string, string[]>)[f]) : fc.constantFrom('forged-1', 'C0000000');
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...PROTECTED_FIELDS), fc.oneof({ weight: 3, arbitrary: fc.constantFrom('forged-1', '00000000-0000-0000-0000-000000000000', 'C0000000', 'cart-forged') }, { weight: 1, arbitrary: anyJson })) },
    { weight: 3, arbitrary: fc.constantFrom('siteCode', 'currency', 'targetLocation', 'language', 'context', 'sessionId', 'cartId', 'customerId').chain((f) => fc.tuple(caseOf(f).filter((k) => k !== f), usable(f))) },
    { weight: 2, arbitrary: fc.tuple(plainName.filter((k) => !['siteCode', 'currency', 'targetLocation', 'language', 'context', 'metadata', ...PROTECTED_FIELDS].includes(k)), anyJson) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('deep', 'wide'), fc.oneof(deepObject, wideObject)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('createdAt', 'modifiedAt', 'version'), fc.oneof(isoDate, fc.integer())) },
  );
}

/** Bodies for PATCH /me/context and PUT: mostly objects with any mix of whitelisted, protected and unknown keys. */
export function writeBody(sites: SiteValues): fc.Arbitrary<BodySpec> {
  const whitelisted = fc.oneof(
    ...SESSION_FIELDS.map((f) => fc.tuple(fc.constant<string>(f), fieldValue(f, sites))),
    fc.tuple(fc.constant('context'), contextMap),
  );
  const object = fc
    .record({
      fields: fc.uniqueArray(fc.oneof({ weight: 3, arbitrary: whitelisted }, { weight: 2, arbitrary: otherField(sites) }), { maxLength: 7, selector: ([k]) => k }),
      metadata: metadataSpec,
    })
    .map(({ fields, metadata }): BodySpec => ({ kind: 'object', fields: fields.filter(([k]) => metadata.kind === 'absent' || k !== metadata.key), metadata }));
  return fc.oneof(
    { weight: 14, arbitrary: object },
    { weight: 1, arbitrary: nonObjectJson.map((value): BodySpec => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"metadata":', 'not json', '', '{"metadata":{"version":1}}}', '\u0000').map((text): BodySpec => ({ kind: 'text', text })) },
  );
}

/** Bodies for the attribute POSTs: {key, value} mostly valid, then wrong-typed keys and values, extras, non-objects. */
export function attributeBody(): fc.Arbitrary<BodySpec> {
  const key = fc.oneof({ weight: 10, arbitrary: attributeName }, { weight: 1, arbitrary: fc.oneof(fc.constant(''), fc.constant(null), fc.integer(), fc.boolean(), fc.constant({}), fc.constant(['a'])) });
  const value = fc.oneof({ weight: 10, arbitrary: attributeValue }, { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]), fc.constant(['a'])) });
  const object = fc
    .record({
      key: fc.option(key, { freq: 12, nil: undefined }),
      value: fc.option(value, { freq: 12, nil: undefined }),
      extra: fc.array(fc.oneof(fc.tuple(fc.constantFrom('metadata'), fc.constant({ version: 1 })), fc.tuple(fc.constantFrom('Key', 'KEY', 'Value', 'unknown', 'sessionId'), anyJson)), { maxLength: 2 }),
    })
    .map(({ key, value, extra }): BodySpec => {
      const fields: [string, unknown][] = [];
      if (key !== undefined) fields.push(['key', key]);
      if (value !== undefined) fields.push(['value', value]);
      for (const [k, v] of extra) if (!fields.some(([f]) => f === k)) fields.push([k, v]);
      return { kind: 'object', fields, metadata: { kind: 'absent' } };
    });
  return fc.oneof(
    { weight: 14, arbitrary: object },
    { weight: 1, arbitrary: nonObjectJson.map((v): BodySpec => ({ kind: 'json', value: v })) },
    { weight: 1, arbitrary: fc.constantFrom('{', 'key=a&value=b', '').map((text): BodySpec => ({ kind: 'text', text })) },
  );
}

/** Content types other than JSON are rare but present: the server must refuse them or read them as JSON. */
export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/JSON', 'application/merge-patch+json', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream') },
);

/** Query strings with repeated and odd parameters. */
export const oddQuery = fc.constantFrom('', 'upsert=true', 'upsert=false', 'upsert=true&upsert=false', 'upsert=false&upsert=true', 'upsert=TRUE', 'upsert=', 'upsert', 'x=1&x=2', 'sessionId=forged&sessionId=forged2', 'version=1&version=2', 'tenant=othertenant');

/** A query the documents say nothing about (repeated, unknown or odd values): a server may refuse it with a 4xx. */
export function queryOpen(query: string): boolean {
  return !['', 'upsert=true', 'upsert=false'].includes(query);
}

// ------------------------------------------------------------------ rendering

const MARK = '\u0000VERSION\u0000';

/** The JSON token sent for a version intent, given the stored version `v`. */
export function versionToken(spec: VersionSpec, v: number): string | undefined {
  switch (spec.kind) {
    case 'current':
      return String(v);
    case 'delta':
      return String(v + spec.delta);
    case 'raw':
      return spec.token.replaceAll('{v}', String(v));
    case 'json':
      return JSON.stringify(spec.value);
    case 'string-of-current':
      return JSON.stringify(String(v));
    case 'absent':
      return undefined;
  }
}

/** The exact text sent for a body, given the stored version (undefined when there is none yet: 1 is used). */
export function renderBody(body: BodySpec, version = 1): string {
  if (body.kind === 'text') return body.text;
  if (body.kind === 'json') return JSON.stringify(body.value);
  const entries: [string, unknown][] = [...body.fields];
  const m = body.metadata;
  if (m.kind === 'value') entries.push([m.key, m.value]);
  if (m.kind === 'object') {
    const token = versionToken(m.version, version);
    const meta: [string, unknown][] = token === undefined ? [] : [['version', MARK]];
    entries.push([m.key, objectOf([...meta, ...Object.entries(m.extra)])]);
    return JSON.stringify(objectOf(entries)).replace(JSON.stringify(MARK), token ?? '');
  }
  return JSON.stringify(objectOf(entries));
}

/** What a JSON parser makes of the body sent (undefined when it is not JSON). */
export function parsedBody(body: BodySpec, version = 1): unknown {
  try {
    return JSON.parse(renderBody(body, version));
  } catch {
    return undefined;
  }
}

/** A body as a person reads it in a failure: the JSON sent, shortened where long. */
export function showBody(body: BodySpec, version = 1): string {
  const text = renderBody(body, version);
  return text.length > 600 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}

/** True when the JSON text holds a key a prototype-pollution guard may refuse (`__proto__`, `constructor`). */
export function hasPrototypeKey(text: string): boolean {
  return /"(__proto__|constructor|prototype)"\s*:/.test(text);
}

// ------------------------------------------------------------------ input classes and boundary examples
//
// On a live target a property gets a few random runs, so the classes it exists for (a null in a whitelisted field,
// another content type, a name past a length boundary, an empty map, a non-object body, …) would be drawn by chance.
// Each generator below therefore names its classes, labels any input with the classes it belongs to, and offers one
// boundary example per class; the property runs the examples first on every budget (fast-check `examples`).

/** A boundary example: a value of one input class. */
export interface ClassExample<T> {
  class: string;
  value: T;
}

const JSON_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonAscii = (s: string) => /[^\x20-\x7e]/.test(s);

/** Dozens of attributes in one map: past any small silent cap (20, 25, 32) a store might apply. */
export const DOZENS = 40;
/** A value long enough to pass a VARCHAR(255)/(1000)/(4000) column, short of any plausible body limit. */
export const LONG_VALUE_LENGTH = 5000;
/** A name past 255 characters, the most common column width for a key. */
export const LONG_NAME_LENGTH = 300;

/** The classes of a `context` map as sent (PATCH, PUT). */
export function classifyContext(value: unknown): string[] {
  if (value === null) return ['context-null'];
  if (!isObject(value)) return ['context-not-object'];
  const entries = Object.entries(value);
  if (entries.length === 0) return ['context-empty'];
  const out: string[] = [];
  if (entries.some(([, v]) => typeof v !== 'string' && !isObject(v))) out.push('context-value-wrong-type');
  if (entries.length >= DOZENS) out.push('context-dozens');
  const lower = entries.map(([k]) => k.toLowerCase());
  if (new Set(lower).size < lower.length) out.push('context-names-differ-in-case');
  if (entries.some(([, v]) => v === '')) out.push('context-empty-string');
  if (entries.some(([k, v]) => nonAscii(k) || (typeof v === 'string' && nonAscii(v)))) out.push('context-non-ascii');
  if (entries.some(([, v]) => typeof v === 'string' && v.length >= LONG_VALUE_LENGTH)) out.push('context-long-value');
  if (entries.some(([k]) => k.length >= LONG_NAME_LENGTH)) out.push('context-long-name');
  return out.length ? out : ['context-plain'];
}

/** The classes of a PATCH or PUT body as sent: its shape, its metadata and version, and each field's kind of value. */
export function classifyWriteBody(body: BodySpec, sites: SiteValues): string[] {
  if (body.kind === 'text') return ['body-not-json'];
  if (body.kind === 'json') return ['body-not-object'];
  const out: string[] = [];
  const m = body.metadata;
  if (m.kind === 'absent') out.push('metadata-absent');
  else if (m.kind === 'value') out.push('metadata-not-object');
  else if (m.key !== 'metadata') out.push('metadata-other-case');
  else if (m.version.kind === 'delta') out.push(m.version.delta < 0 ? 'version-stale' : 'version-ahead');
  else if (m.version.kind === 'absent') out.push('version-absent');
  else if (m.version.kind === 'raw') out.push('version-odd-number');
  else if (m.version.kind !== 'current') out.push('version-not-integer');
  for (const [k, v] of body.fields) {
    if ((SESSION_FIELDS as readonly string[]).includes(k)) {
      if (v === null) out.push('field-null');
      else if (typeof v !== 'string') out.push('field-wrong-type');
      else if (sites[k as keyof SiteValues].includes(v)) out.push('field-site-value');
      else out.push('field-unlisted-value');
    } else if (k === 'context') out.push(...classifyContext(v));
    else if ((PROTECTED_FIELDS as readonly string[]).includes(k)) out.push('field-protected');
    else if ([...SESSION_FIELDS, 'context', ...PROTECTED_FIELDS].some((f) => f.toLowerCase() === k.toLowerCase())) out.push('field-other-case');
    else out.push('field-unknown');
  }
  if (!body.fields.length) out.push('fields-none');
  return [...new Set(out)];
}

export function classifyContentType(ct: string): string[] {
  return [JSON_CONTENT_TYPES.includes(ct) ? 'content-type-json' : 'content-type-other'];
}

const current = (): MetadataSpec => ({ kind: 'object', key: 'metadata', version: { kind: 'current' }, extra: {} });
const objectBody = (fields: [string, unknown][], metadata: MetadataSpec = current()): BodySpec => ({ kind: 'object', fields, metadata });

/** A map of `n` attributes with plain, distinct names. */
export function dozensOfAttributes(n = DOZENS): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`conformanceAttr${String(i).padStart(2, '0')}`, `value ${i}`]));
}

/**
 * One PATCH/PUT body per class of classifyWriteBody, each otherwise well-formed (the current version, a site's own
 * values), so that it is that one class the target answers. `fields` are the whitelist of the contract.
 */
export function writeBodyExamples(sites: SiteValues, fields: readonly string[] = SESSION_FIELDS): ClassExample<BodySpec>[] {
  const own = (f: keyof SiteValues, fallback: string) => sites[f][0] ?? fallback;
  const siteField = fields.includes('currency') ? 'currency' : fields[0];
  const valid: [string, unknown] = [siteField, own(siteField as keyof SiteValues, 'EUR')];
  const ex = (cls: string, body: BodySpec): ClassExample<BodySpec> => ({ class: cls, value: body });
  return [
    ex('field-site-value', objectBody(fields.map((f) => [f, own(f as keyof SiteValues, 'x')]))),
    ex('fields-none', objectBody([])),
    ex('field-null', objectBody([['targetLocation', null]])),
    ex('field-wrong-type', objectBody([['currency', 42]])),
    // An unknown site and a malformed currency: whether PATCH validates them is UNKNOWN (§6); never a 5xx.
    ex('field-unlisted-value', objectBody([['siteCode', 'conformance-no-such-site'], ['currency', 'EURO']])),
    ex('field-protected', objectBody([valid, ['cartId', 'cart-forged']])),
    ex('field-other-case', objectBody([['Currency', own('currency', 'EUR')]])),
    ex('field-unknown', objectBody([valid, ['conformanceUnknown', { a: 1 }]])),
    ex('version-stale', objectBody([valid], { kind: 'object', key: 'metadata', version: { kind: 'delta', delta: -1 }, extra: {} })),
    ex('version-ahead', objectBody([valid], { kind: 'object', key: 'metadata', version: { kind: 'delta', delta: 1 }, extra: {} })),
    ex('version-absent', objectBody([valid], { kind: 'object', key: 'metadata', version: { kind: 'absent' }, extra: {} })),
    ex('version-odd-number', objectBody([valid], { kind: 'object', key: 'metadata', version: { kind: 'raw', token: '{v}.5' }, extra: {} })),
    ex('version-not-integer', objectBody([valid], { kind: 'object', key: 'metadata', version: { kind: 'json', value: null }, extra: {} })),
    ex('metadata-absent', objectBody([valid], { kind: 'absent' })),
    ex('metadata-not-object', objectBody([valid], { kind: 'value', key: 'metadata', value: [] })),
    ex('metadata-other-case', objectBody([valid], { kind: 'object', key: 'Metadata', version: { kind: 'current' }, extra: {} })),
    ex('body-not-object', { kind: 'json', value: [{ currency: own('currency', 'EUR') }] }),
    ex('body-not-json', { kind: 'text', text: '{"metadata":' }),
    ex('context-plain', objectBody([['context', { color: 'red', size: { eu: '42' } }]])),
    ex('context-empty', objectBody([['context', {}]])),
    ex('context-null', objectBody([['context', null]])),
    ex('context-not-object', objectBody([['context', ['a']]])),
    ex('context-value-wrong-type', objectBody([['context', { count: 3 }]])),
    ex('context-dozens', objectBody([['context', dozensOfAttributes()]])),
    ex('context-names-differ-in-case', objectBody([['context', { color: 'red', Color: 'blue', COLOR: 'green' }]])),
    ex('context-empty-string', objectBody([['context', { note: '', other: 'x' }]])),
    ex('context-non-ascii', objectBody([['context', { größe: 'ß', ключ: 'значение', note: '🛒 e\u0301' }]])),
    ex('context-long-value', objectBody([['context', { long: 'v'.repeat(LONG_VALUE_LENGTH) }]])),
    ex('context-long-name', objectBody([['context', { ['k'.repeat(LONG_NAME_LENGTH)]: 'x' }]])),
  ];
}

/** The classes of an attribute POST body as sent. */
export function classifyAttributeBody(body: BodySpec): string[] {
  if (body.kind === 'text') return ['body-not-json'];
  if (body.kind === 'json') return ['body-not-object'];
  const f = new Map(body.fields);
  const out: string[] = [];
  const key = f.get('key');
  if (!f.has('key')) out.push('key-missing');
  else if (typeof key !== 'string') out.push('key-not-string');
  else if (key.length === 0) out.push('name-empty');
  else if (key.length >= LONG_NAME_LENGTH) out.push('name-long');
  else if (AWKWARD_NAMES.includes(key)) out.push('name-awkward');
  else if (nonAscii(key)) out.push('name-non-ascii');
  else if (/[A-Z]/.test(key) && /[a-z]/.test(key)) out.push('name-mixed-case');
  else out.push('name-plain');
  const value = f.get('value');
  if (!f.has('value')) out.push('value-missing');
  else if (value === '') out.push('value-empty-string');
  else if (typeof value === 'string' && value.length >= LONG_VALUE_LENGTH) out.push('value-long');
  else if (typeof value === 'string' && nonAscii(value)) out.push('value-non-ascii');
  else if (typeof value === 'string') out.push('value-string');
  else if (isObject(value)) out.push(Object.keys(value).length >= DOZENS ? 'value-wide-object' : 'value-object');
  else out.push('value-wrong-type');
  if (body.fields.some(([k]) => k !== 'key' && k !== 'value')) out.push('field-extra');
  return out;
}

/** One attribute POST body per class of classifyAttributeBody. */
export function attributeBodyExamples(): ClassExample<BodySpec>[] {
  const attr = (key: unknown, value: unknown, extra: [string, unknown][] = []): BodySpec => ({ kind: 'object', fields: [['key', key], ['value', value], ...extra], metadata: { kind: 'absent' } });
  const ex = (cls: string, body: BodySpec): ClassExample<BodySpec> => ({ class: cls, value: body });
  return [
    ex('name-plain', attr('conformance_plain', 'x')),
    ex('name-mixed-case', attr('conformanceMixedCase', 'x')),
    ex('name-non-ascii', attr('größe-ключ-键', 'x')),
    ex('name-awkward', attr('a.b', 'x')),
    ex('name-long', attr('n'.repeat(LONG_NAME_LENGTH), 'x')),
    ex('name-empty', attr('', 'x')),
    ex('key-not-string', attr(7, 'x')),
    ex('key-missing', { kind: 'object', fields: [['value', 'x']], metadata: { kind: 'absent' } }),
    ex('value-string', attr('conformanceString', 'plain value')),
    ex('value-empty-string', attr('conformanceEmpty', '')),
    ex('value-non-ascii', attr('conformanceUnicode', 'größe ключ 键 🛒 e\u0301')),
    ex('value-long', attr('conformanceLong', 'v'.repeat(LONG_VALUE_LENGTH))),
    ex('value-object', attr('conformanceObject', { a: 'b', n: 1, ok: true, none: null })),
    ex('value-wide-object', attr('conformanceWide', dozensOfAttributes())),
    ex('value-wrong-type', attr('conformanceNumber', 42)),
    ex('value-missing', { kind: 'object', fields: [['key', 'conformanceNoValue']], metadata: { kind: 'absent' } }),
    ex('field-extra', attr('conformanceExtra', 'x', [['metadata', { version: 1 }]])),
    ex('body-not-object', { kind: 'json', value: ['conformanceArray', 'x'] }),
    ex('body-not-json', { kind: 'text', text: 'key=a&value=b' }),
  ];
}

// ------------------------------------------------------------------ anonymous-login parameters (spec 2026-04)

/** The documented session-context parameters of anonymous login (customer-management.yaml, since 2026-04-21). */
export const LOGIN_PARAMETERS = ['currency', 'siteCode', 'language', 'targetLocation'] as const;
export type LoginParameter = (typeof LOGIN_PARAMETERS)[number];
export type LoginParams = Partial<Record<LoginParameter, string>>;

/** A site's own values, or the odd ones a storefront may send (an unknown site, a malformed currency, empty). */
function loginValue(p: LoginParameter, sites: SiteValues): fc.Arbitrary<string> {
  const own = sites[p].length ? fc.constantFrom(...sites[p]) : fc.constant(p === 'currency' ? 'EUR' : 'x');
  const odd: Record<LoginParameter, string[]> = {
    currency: ['EURO', 'eur', '€', ''],
    siteCode: ['conformance-no-such-site', ''],
    language: ['xx', 'en_US', ''],
    targetLocation: ['XX', 'Germany', ''],
  };
  return fc.oneof({ weight: 6, arbitrary: own }, { weight: 1, arbitrary: fc.constantFrom(...odd[p]) });
}

/** Login parameters: any subset, each a site's own value mostly. */
export function loginParams(sites: SiteValues): fc.Arbitrary<LoginParams> {
  return fc.record(Object.fromEntries(LOGIN_PARAMETERS.map((p) => [p, loginValue(p, sites)])) as Record<LoginParameter, fc.Arbitrary<string>>, { requiredKeys: [] });
}

/** Whether a login value is one of the target's own (what every implementation, validating or not, must take). */
export function isOwnLoginValue(p: LoginParameter, v: string, sites: SiteValues): boolean {
  return sites[p].includes(v);
}

export function classifyLoginParams(params: LoginParams, sites: SiteValues): string[] {
  const given = LOGIN_PARAMETERS.filter((p) => params[p] !== undefined);
  const out: string[] = [];
  if (given.length === 0) out.push('no-parameters');
  else if (given.length === 1) out.push(`${given[0]}-alone`);
  else if (given.length === LOGIN_PARAMETERS.length) out.push('all-four');
  else out.push('some');
  for (const p of given) {
    const v = params[p]!;
    if (v === '') out.push('empty-value');
    else if (!isOwnLoginValue(p, v, sites)) out.push(p === 'siteCode' ? 'unknown-site' : p === 'currency' ? 'malformed-currency' : `odd-${p}`);
  }
  return out;
}

/**
 * One login per class: each documented parameter on its own (with a value other than the default where the tenant
 * has one, so that "ignored" and "taken" differ), all four together, none, an unknown site, a malformed currency.
 */
export function loginParamsExamples(sites: SiteValues, defaults: Partial<Record<LoginParameter, string>>): ClassExample<LoginParams>[] {
  const pick = (p: LoginParameter, fallback: string) => sites[p].find((v) => v !== defaults[p]) ?? sites[p][0] ?? fallback;
  const value: Record<LoginParameter, string> = { currency: pick('currency', 'EUR'), siteCode: pick('siteCode', 'main'), language: pick('language', 'en'), targetLocation: pick('targetLocation', 'DE') };
  return [
    ...LOGIN_PARAMETERS.map((p) => ({ class: `${p}-alone`, value: { [p]: value[p] } as LoginParams })),
    { class: 'all-four', value: { ...value } },
    { class: 'no-parameters', value: {} },
    { class: 'unknown-site', value: { siteCode: 'conformance-no-such-site', currency: value.currency } },
    { class: 'malformed-currency', value: { currency: 'EURO', targetLocation: value.targetLocation } },
  ];
}
