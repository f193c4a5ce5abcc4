/**
 * The requirement catalogue (fixtures/requirements.json) and the annotations that tie a test to it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestInfo } from '@playwright/test';
import { formatErrors, validatorFor } from './ajv.js';

export interface Requirement {
  id: string;
  level: 'MUST' | 'OBSERVED';
  operation: string;
  sources: { file: string; pointer: string }[];
  statement: string;
  exclusion?: string;
}

const file = fileURLToPath(new URL('../../fixtures/requirements.json', import.meta.url));

/**
 * fixtures/requirements.json, checked against schemas/requirements.schema.json and for IDs given twice. The one
 * loader of the catalogue: the tests, the reporter and scripts/catalogue.ts all read it through here.
 */
export function loadCatalogue(): Requirement[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { requirements: Requirement[] };
  const validate = validatorFor('requirements.schema.json');
  if (!validate(data)) throw new Error(`fixtures/requirements.json does not match its schema:\n${formatErrors(validate.errors)}`);
  const seen = new Set<string>();
  for (const r of data.requirements) {
    if (seen.has(r.id)) throw new Error(`requirement ${r.id} appears twice in fixtures/requirements.json`);
    seen.add(r.id);
  }
  return data.requirements;
}

export const catalogue = loadCatalogue();
const byId = new Map(catalogue.map((r) => [r.id, r]));

/** Test details for `test(title, req('SC-…'), body)`: requirement ID, source and level as annotations. */
export function req(...ids: string[]): { tag: string[]; annotation: { type: string; description: string }[] } {
  const annotation: { type: string; description: string }[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) throw new Error(`requirement ${id} is not in fixtures/requirements.json`);
    if (r.exclusion) throw new Error(`requirement ${id} is excluded (${r.exclusion}); a test cannot verify it`);
    annotation.push(
      { type: 'requirement', description: id },
      { type: 'level', description: `${id}: ${r.level}` },
      { type: 'source', description: `${id}: ${r.sources.map((s) => `${s.file} ${s.pointer}`).join("; ")}` },
    );
  }
  // Tags let a run select the tests of given requirements: --grep "@SC-VERSION-01(?![0-9])".
  return { tag: ids.map((id) => `@${id}`), annotation };
}

/** Records an answer the spec leaves open (which 4xx, 404 or 409) in the report. */
export function record(testInfo: TestInfo, what: string): void {
  testInfo.annotations.push({ type: 'observed', description: what });
}
