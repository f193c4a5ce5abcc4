/**
 * The case tables are data with a fixed shape: each validates against the schema it names, each schema rejects a
 * broken copy (so the check itself can fail), and the schema files are the ones tests/support/cases.ts writes from
 * the typed row schemas (so the JSON a newcomer reads is the schema `tsc` checked).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { formatErrors, readSchema, validatorFor } from '../support/ajv.js';
import { caseTables, loadCases, schemaFiles, type CaseTable } from '../support/cases.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const schemaOf = (data: { $schema?: unknown }) => validatorFor(String(data.$schema).replace('../schemas/', ''));

const tables = readdirSync(new URL('fixtures/', root)).filter((f) => f.endsWith('.json'));

test.describe('case tables', () => {
  for (const file of tables) {
    test(`fixtures/${file} matches the schema it names`, async () => {
      const data = read(`fixtures/${file}`);
      expect(data.$schema, `${file} names its schema in $schema`).toMatch(/^\.\.\/schemas\/.+\.schema\.json$/);
      const validate = schemaOf(data);
      expect(validate(data), formatErrors(validate.errors)).toBe(true);
    });
  }

  for (const [path, json] of schemaFiles()) {
    test(`schemas/${path} is the one tests/support/cases.ts writes`, async () => {
      expect(readSchema(path), 'out of date: run npx tsx tests/support/cases.ts --write').toEqual(json);
    });
  }

  test('every table with the shared row shape has a typed loader, and its descriptions are unique', async () => {
    const shared = tables.filter((f) => JSON.stringify(readSchema(String(read(`fixtures/${f}`).$schema).replace('../schemas/', ''))).includes('case-row.schema.json'));
    expect(shared.sort()).toEqual(caseTables.map((t) => t.file).sort());
    for (const table of caseTables) {
      const descriptions = loadCases(table as CaseTable<unknown, unknown>).map((r) => r.description);
      expect(descriptions.filter((d, i) => descriptions.indexOf(d) !== i), `${table.file}: repeated descriptions`).toEqual([]);
    }
  });

  type Table = { cases: Record<string, unknown>[] } & Record<string, unknown[]>;
  const row = (d: Table) => d.cases[0];
  const broken: [string, string, (d: Table) => void][] = [
    ['tenant-names.json', 'a row with neither segment nor derive', (d) => (row(d).input = {})],
    ['tenant-names.json', 'a row that expects a 2xx', (d) => (row(d).expect = { status: '2xx' })],
    ['tenant-names.json', 'a row with the old requirement field', (d) => (row(d).requirement = 'SC-TENANT-01')],
    ['patch-fields.json', 'a row with an unknown expectation', (d) => (row(d).expect = { stored: 'sometimes' })],
    ['patch-fields.json', 'a row with both a value and a symbolic one', (d) => (row(d).input = { field: 'siteCode', value: 'x', otherThanCurrent: 'siteCode' })],
    ['attribute-names.json', 'a row without requirements', (d) => delete row(d).requirements],
    ['attribute-names.json', 'a row that repeats an object value', (d) => (row(d).input = { name: 'x', value: { a: 'b' }, repeat: 2 })],
    ['attribute-names.json', 'a row whose description says "should"', (d) => (row(d).description = 'the name should round-trip')],
    ['derivation-profiles.json', 'a row without expected values', (d) => delete row(d).expect],
    ['derivation-profiles.json', 'a row for an unknown contract', (d) => (row(d).specVersions = ['2019-01'])],
    ['requirements.json', 'a requirement of an unknown level', (d) => (d.requirements[0] = { id: 'SC-X', level: 'SHOULD', operation: 'x', statement: 'too short', sources: [] })],
    ['mock-seed.json', 'a tenant name with capitals', (d) => ((d.tenants[0] as Record<string, unknown>).name = 'Not-Valid')],
  ];
  for (const [file, what, breakIt] of broken) {
    test(`fixtures/${file} with ${what} is rejected by its schema`, async () => {
      const data = read(`fixtures/${file}`);
      breakIt(data);
      expect(schemaOf(data)(data)).toBe(false);
    });
  }
});
