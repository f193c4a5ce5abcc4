/**
 * The case tables are data with a fixed shape: each validates against the schema it names, and each schema
 * rejects a broken copy (so the check itself can fail).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const root = new URL('../../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

function compile(schemaPath: string) {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(read(schemaPath));
}

const tables = readdirSync(new URL('fixtures/', root)).filter((f) => f.endsWith('.json'));

test.describe('case tables', () => {
  for (const file of tables) {
    test(`fixtures/${file} matches the schema it names`, async () => {
      const data = read(`fixtures/${file}`);
      expect(data.$schema, `${file} names its schema in $schema`).toMatch(/^\.\.\/schemas\/.+\.schema\.json$/);
      const validate = compile(String(data.$schema).replace('../', ''));
      const ok = validate(data);
      expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
    });
  }

  const broken: [string, (d: Record<string, unknown[]>) => void][] = [
    ['tenant-names.json', (d) => (d.cases[0] = { description: 'no segment nor derive', wellFormed: true })],
    ['patch-fields.json', (d) => (d.cases[0] = { id: 'SC-PATCH-WHITELIST-01', field: 'siteCode', kind: 'sometimes', value: 'x', specVersions: ['2026-04'] })],
    ['derivation-profiles.json', (d) => (d.cases[0] = { description: 'no expected values', anonymous: {}, requirements: ['SC-DERIVE-ANON-01'] })],
    ['requirements.json', (d) => (d.requirements[0] = { id: 'SC-X', level: 'SHOULD', operation: 'x', statement: 'too short', sources: [] })],
    ['mock-seed.json', (d) => ((d.tenants[0] as Record<string, unknown>).name = 'Not-Valid')],
  ];
  for (const [file, breakIt] of broken) {
    test(`a broken copy of fixtures/${file} is rejected by its schema`, async () => {
      const data = read(`fixtures/${file}`);
      breakIt(data);
      const validate = compile(String(data.$schema).replace('../', ''));
      expect(validate(data)).toBe(false);
    });
  }
});
