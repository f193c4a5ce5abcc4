/**
 * The deviations of the edge classes (issue 13 §2): inputs a live budget only reaches through boundary examples,
 * every flag of a writer, and what is stored against what was sent. Hooks on the faithful flow (hooks.ts), like the
 * rest of the catalogue in deviation-hooks.ts, which includes this table.
 */
import type { DeviationName } from './deviations.js';
import type { Hooks } from './hooks.js';
import { internalError } from './replies.js';
import { isPlainObject } from './rules.js';

/** 'attributes-capped-at-20': the store keeps at most this many custom attributes per context. */
const CAP = 20;
const SESSION_FIELDS = ['siteCode', 'currency', 'targetLocation', 'language'];

/** A `context` map cut to its first CAP entries, as a store with a silent limit keeps it. */
function capped(changes: Record<string, unknown>): Record<string, unknown> {
  const map = changes.context;
  if (!isPlainObject(map) || Object.keys(map).length <= CAP) return changes;
  return { ...changes, context: Object.fromEntries(Object.entries(map).slice(0, CAP)) };
}

/** 'non-ascii-value-mangled': a string written through a Latin-1 column. */
const latin1 = (v: unknown) => (typeof v === 'string' ? [...v].map((c) => (c.codePointAt(0)! > 0xff ? '?' : c)).join('') : v);

/** 'attribute-names-case-insensitive': a unique key under a case-insensitive collation: a write lands on a stored twin. */
function caseFold(map: Map<string, unknown>, before: Map<string, unknown>, key: string): void {
  const twin = [...before.keys()].find((k) => k !== key && k.toLowerCase() === key.toLowerCase());
  if (twin === undefined) return;
  const value = map.get(key);
  map.delete(key);
  map.set(twin, value);
}

export const EDGE_HOOKS = {
  // the edges a live budget reaches only by its boundary examples
  'null-field-500': {
    writeInput: (_op, body) => (isPlainObject(body) && SESSION_FIELDS.some((f) => body[f] === null) ? internalError() : undefined),
  },
  'login-unknown-site-500': {
    anonymousInput: (sites, params) => {
      if (params.siteCode !== undefined && !sites.some((s) => s.code === params.siteCode)) throw new Error(`site ${params.siteCode} not found`);
      return { sites, params };
    },
  },
  // every flag of every writer
  'login-currency-needs-site': { anonymousInput: (sites, params) => ({ sites, params: params.siteCode === undefined ? { ...params, currency: undefined } : params }) },
  'login-language-ignored': { anonymousInput: (sites, params) => ({ sites, params: { ...params, language: undefined } }) },
  // what comes back is what was stored
  'attributes-capped-at-20': {
    patchChanges: (c) => capped(c),
    putChanges: (c) => capped(c),
    afterOwnAttribute: (r, before, key) => void (before.context.size >= CAP && !before.context.has(key) && r.context.delete(key)),
    afterManagementAttribute: (r, before, key) => void (before.context.size >= CAP && !before.context.has(key) && r.context.delete(key)),
  },
  'attribute-names-case-insensitive': {
    afterOwnAttribute: (r, before, key) => caseFold(r.context, before.context, key),
    afterManagementAttribute: (r, before, key) => caseFold(r.context, before.context, key),
    afterAttributeDelete: (r, name) => {
      for (const k of [...r.context.keys()]) if (k.toLowerCase() === name.toLowerCase()) r.context.delete(k);
    },
  },
  'empty-string-value-nulled': { attributeInput: (key, value) => ({ key, value: value === '' ? null : value }) },
  'non-ascii-value-mangled': { attributeInput: (key, value) => ({ key, value: latin1(value) }) },
  // a 5xx on the call that creates a context from session-context parameters
  'login-params-500': {
    anonymousInput: (sites, params) => {
      if (Object.values(params).some((v) => v !== undefined)) throw new Error('cannot apply session-context parameters');
      return { sites, params };
    },
  },
} satisfies Partial<Record<DeviationName, Hooks>>;
