/**
 * What one exchange decides on its own, without any state: a write the documents say must be refused (no metadata,
 * no version, a version that is no integer, a body that is not JSON) answered with a 2xx, and a successful write
 * answered with another 2xx than its operation's. The oracle of the model and the property runs
 * (tests/support/model/oracle.ts) decides; the stored version is unknown here, so only its state-free rules can
 * refuse (the version is taken as current, site values as open).
 */
import type { TimedExchange } from './server.js';
import { routeOf } from './routes.js';
import { expectAttributePost, expectPatch, expectPut, isPlainObject, type Expectation } from '../tests/support/model/oracle.js';
import type { BodySpec, MetadataSpec } from '../tests/support/generators.js';
import type { SpecVersion } from '../tests/support/target.js';

export interface RefusalFinding {
  requirement: string;
  text: string;
}

type Shape = 'not-json' | 'not-object' | 'no-metadata' | 'no-version' | 'version-not-integer' | 'ok';

/** The request body as the oracle reads it, and what is wrong with it independently of the stored state. */
export function bodySpecOf(x: TimedExchange): { spec: BodySpec; shape: Shape } {
  const text = x.rawBody ?? (typeof x.requestBody === 'string' ? x.requestBody : x.requestBody === undefined ? '' : JSON.stringify(x.requestBody));
  let value: unknown;
  try {
    value = typeof x.requestBody === 'object' && x.requestBody !== null ? x.requestBody : JSON.parse(text);
  } catch {
    return { spec: { kind: 'text', text }, shape: 'not-json' };
  }
  if (!isPlainObject(value)) return { spec: { kind: 'json', value }, shape: 'not-object' };
  const fields = Object.entries(value).filter(([k]) => k !== 'metadata');
  let metadata: MetadataSpec;
  let shape: Shape = 'ok';
  if (!Object.hasOwn(value, 'metadata')) {
    metadata = { kind: 'absent' };
    shape = 'no-metadata';
  } else if (!isPlainObject(value.metadata)) {
    metadata = { kind: 'value', key: 'metadata', value: value.metadata };
    shape = 'no-metadata';
  } else {
    const { version, ...extra } = value.metadata;
    if (!Object.hasOwn(value.metadata, 'version')) {
      metadata = { kind: 'object', key: 'metadata', version: { kind: 'absent' }, extra };
      shape = 'no-version';
    } else if (Number.isInteger(version)) metadata = { kind: 'object', key: 'metadata', version: { kind: 'current' }, extra };
    else if (typeof version === 'string' && /^-?\d+$/.test(version)) metadata = { kind: 'object', key: 'metadata', version: { kind: 'string-of-current' }, extra };
    else {
      metadata = { kind: 'object', key: 'metadata', version: { kind: 'json', value: version }, extra };
      shape = 'version-not-integer';
    }
  }
  return { spec: { kind: 'object', fields, metadata }, shape };
}

const PATCH_REFUSAL: Record<Exclude<Shape, 'ok'>, string> = {
  'not-json': 'SC-VERSION-06',
  'not-object': 'SC-VERSION-03',
  'no-metadata': 'SC-VERSION-03',
  'no-version': 'SC-VERSION-04',
  'version-not-integer': 'SC-VERSION-05',
};

const OPEN_SITES = { siteCode: [], currency: [], targetLocation: [], language: [] };

export function checkRefusal(x: TimedExchange, specVersion: SpecVersion): RefusalFinding[] {
  const route = routeOf(x.method, x.url);
  if (x.status < 200 || x.status >= 300) return [];
  const contentType = (x.requestHeaders['content-type'] ?? '').trim().toLowerCase();
  let e: Expectation;
  let refused: string | undefined;
  let success: string | undefined;
  const { spec, shape } = bodySpecOf(x);
  switch (route.kind) {
    case 'own-patch':
      e = expectPatch(spec, contentType, specVersion, OPEN_SITES);
      refused = shape === 'ok' ? undefined : PATCH_REFUSAL[shape];
      success = 'SC-PATCH-01';
      break;
    case 'mgmt-put':
      e = expectPut(spec, contentType, specVersion, OPEN_SITES, { customer: false, saasToken: true });
      refused = 'SC-MGMT-PUT-07';
      break;
    case 'own-attr-post':
      e = expectAttributePost(spec, contentType, true);
      success = 'SC-ATTR-01';
      break;
    default:
      return [];
  }
  const out: RefusalFinding[] = [];
  if (e.outcome === 'reject' && refused) {
    out.push({ requirement: refused, text: `${route.operation} answered ${x.status} to a write the documents refuse: ${e.reasons.join('; ')}` });
  } else if (e.outcome !== 'reject' && success && !e.acceptStatus.includes(x.status)) {
    out.push({ requirement: success, text: `${route.operation} succeeded with ${x.status}; the documented answer is ${e.acceptStatus.join(' or ')}` });
  }
  return out;
}
