/**
 * Expected failures of a real target. CONFORMANCE_BASELINE names a JSON file (schemas/baseline.schema.json) of
 * known deviations: a listed failure is reported but does not fail the run; a listed test that passes fails the
 * run as stale, so the baseline shrinks as the target is fixed.
 */
import { readFileSync } from 'node:fs';
import { validatorFor } from './ajv.js';
import { catalogue } from './requirements.js';

export interface BaselineEntry {
  requirement: string;
  /** Optional: only tests whose title contains this text (one case of a table, say). */
  title?: string;
  reason: string;
}

let cached: BaselineEntry[] | undefined;

export class BaselineError extends Error {}

export function loadBaseline(path = process.env.CONFORMANCE_BASELINE): BaselineEntry[] {
  if (!path) return [];
  if (cached) return cached;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BaselineError(`CONFORMANCE_BASELINE=${path}: cannot read it as JSON (${(e as Error).message})`);
  }
  const validate = validatorFor('baseline.schema.json');
  if (!validate(data)) {
    throw new BaselineError(`CONFORMANCE_BASELINE=${path} does not match schemas/baseline.schema.json: ${validate.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
  }
  const entries = (data as { expectedFailures: BaselineEntry[] }).expectedFailures;
  const known = new Set(catalogue.map((r) => r.id));
  const unknown = entries.filter((e) => !known.has(e.requirement)).map((e) => e.requirement);
  if (unknown.length) throw new BaselineError(`CONFORMANCE_BASELINE=${path} lists requirement IDs not in the catalogue: ${unknown.join(', ')}`);
  cached = entries;
  return entries;
}

export function baselineEntryFor(ids: string[], title: string): BaselineEntry | undefined {
  return loadBaseline().find((e) => ids.includes(e.requirement) && (!e.title || title.includes(e.title)));
}
