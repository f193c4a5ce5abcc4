/**
 * The case tables in fixtures/: one row shape for all of them, their schemas, and the loader the tests use.
 *
 * Every row has a `description` (a short fact, used verbatim as the test title), the `requirements` it verifies,
 * its `input`, its `expect`ation and, where a row belongs to one contract only, `specVersions`. The shared row is
 * schemas/fixtures/case-row.schema.json; each table's schema refines `input`, `expect` and `requirements`.
 *
 * The schemas are written here, typed with Ajv's JSONSchemaType against the row types, so a schema that does not
 * fit its row type fails `tsc`. The JSON files in schemas/fixtures/ are written from them:
 *   npx tsx tests/support/cases.ts --write
 * and tests/self/fixtures.spec.ts fails when they are out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { JSONSchemaType } from 'ajv';
import { formatErrors, validatorFor } from './ajv.js';
import { SITE_FIELDS, type SiteField } from './sites.js';
import type { SpecVersion } from './target.js';

export interface CaseRow<I, E> {
  description: string;
  requirements: string[];
  /** The contracts (SPEC_VERSION) the row belongs to; all when absent. */
  specVersions?: SpecVersion[];
  input: I;
  expect: E;
}

export const SPEC_VERSIONS: readonly SpecVersion[] = ['2026-04', '2022-11'];

const ROW_ID = 'fixtures/case-row.schema.json';

export const caseRowSchema: JSONSchemaType<CaseRow<Record<string, unknown>, Record<string, unknown>>> = {
  $id: ROW_ID,
  title: 'A row of any case table',
  type: 'object',
  required: ['description', 'requirements', 'input', 'expect'],
  additionalProperties: false,
  properties: {
    // A fact, never "should" (the developer guide).
    description: { type: 'string', minLength: 1, pattern: '^(?!.*\\b[Ss]hould\\b)' },
    requirements: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^SC-[A-Z0-9]+(-[A-Z0-9]+)*-[0-9]{2}$' } },
    specVersions: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: SPEC_VERSIONS }, nullable: true },
    input: { type: 'object', required: [] },
    expect: { type: 'object', required: [] },
  },
};

/** A status or status class as a table writes it: "201", "4xx". */
export type StatusText = string;
const statusText: JSONSchemaType<StatusText> = { type: 'string', pattern: '^([1-5][0-9]{2}|[1-5]xx)$' };

/** Whether a status is one of those a row lists ("201", "4xx"). */
export function statusAmong(status: number, listed: StatusText[]): boolean {
  return listed.some((s) => (s.endsWith('xx') ? Math.floor(status / 100) === Number(s[0]) : status === Number(s)));
}

export interface CaseTable<I, E> {
  /** The file in fixtures/. */
  file: string;
  title: string;
  requirement: JSONSchemaType<string>;
  input: JSONSchemaType<I>;
  expect: JSONSchemaType<E>;
}

// ---------------------------------------------------------------------------------------------------------------
// fixtures/tenant-names.json

export type TenantDerivation = 'append-digit' | 'pad-to-17' | 'first-2' | 'leading-space' | 'append-hyphen';
export interface TenantInput {
  /** Placed in the path as written (already percent-encoded). */
  segment?: string;
  /** Built from the target's own tenant instead. */
  derive?: TenantDerivation;
}
export type TenantRow = CaseRow<TenantInput, { status: '4xx' }>;

export const tenantNames: CaseTable<TenantInput, TenantRow['expect']> = {
  file: 'tenant-names.json',
  title: 'Tenant-name case table',
  requirement: { type: 'string', enum: ['SC-TENANT-01', 'SC-TENANT-02'] },
  input: {
    type: 'object',
    additionalProperties: false,
    required: [],
    properties: {
      segment: { type: 'string', minLength: 1, nullable: true },
      derive: { type: 'string', enum: ['append-digit', 'pad-to-17', 'first-2', 'leading-space', 'append-hyphen'], nullable: true },
    },
    oneOf: [{ required: ['segment'] }, { required: ['derive'] }],
  },
  expect: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', const: '4xx' } } },
};

// ---------------------------------------------------------------------------------------------------------------
// fixtures/patch-fields.json

export interface PatchInput {
  /** A dotted path into the context: `metadata.createdAt`. */
  field: string;
  /** Sent as it is. */
  value?: unknown;
  /** Instead of `value`: a value of this field other than the current one, from the target's own sites. */
  otherThanCurrent?: SiteField;
}
export interface PatchExpect {
  /** What a GET after the 204 shows in the field: the value sent, the value before, or a value the server sets. */
  stored: 'sent' | 'unchanged' | 'server-set';
}
export type PatchRow = CaseRow<PatchInput, PatchExpect>;

export const patchFields: CaseTable<PatchInput, PatchExpect> = {
  file: 'patch-fields.json',
  title: 'PATCH field case table',
  requirement: { type: 'string', pattern: '^SC-PATCH-(WHITELIST|IGNORED)-[0-9]{2}$' },
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['field'],
    properties: {
      field: { type: 'string', minLength: 1 },
      value: { $ref: 'case-row.schema.json#/definitions/anyValue' },
      otherThanCurrent: { type: 'string', enum: SITE_FIELDS, nullable: true },
    },
    oneOf: [{ required: ['value'] }, { required: ['otherThanCurrent'] }],
  },
  expect: {
    type: 'object',
    additionalProperties: false,
    required: ['stored'],
    properties: { stored: { type: 'string', enum: ['sent', 'unchanged', 'server-set'] } },
  },
};

// ---------------------------------------------------------------------------------------------------------------
// fixtures/attribute-names.json

export interface AttributeInput {
  name: string;
  value: string | Record<string, unknown>;
  /** The string value repeated this many times. */
  repeat?: number;
  /** The value wrapped in this many levels of {"level": …}. */
  depth?: number;
}
export interface AttributeExpect {
  /** The statuses the POST may answer; after a 2xx a GET shows the value. */
  post: StatusText[];
  /** The statuses the DELETE of a created attribute may answer. */
  delete: StatusText[];
}
export type AttributeRow = CaseRow<AttributeInput, AttributeExpect>;

export const attributeNames: CaseTable<AttributeInput, AttributeExpect> = {
  file: 'attribute-names.json',
  title: 'Awkward attribute name and value case table',
  requirement: { type: 'string', enum: ['SC-INPUT-01', 'SC-INPUT-02'] },
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'value'],
    properties: {
      name: { type: 'string' },
      value: { oneOf: [{ type: 'string' }, { type: 'object', required: [] }] },
      repeat: { type: 'integer', minimum: 1, nullable: true },
      depth: { type: 'integer', minimum: 1, maximum: 100_000, nullable: true },
    },
    dependencies: { repeat: { properties: { value: { type: 'string' }, depth: false } } },
  },
  expect: {
    type: 'object',
    additionalProperties: false,
    required: ['post', 'delete'],
    properties: {
      post: { type: 'array', minItems: 1, items: statusText },
      delete: { type: 'array', minItems: 1, items: statusText },
    },
  },
};

// ---------------------------------------------------------------------------------------------------------------
// fixtures/derivation-profiles.json

export interface DerivationInput {
  /** Anonymous-login parameters. */
  anonymous?: Record<string, string>;
  /** The email of a customer in fixtures/mock-seed.json. */
  customer?: string;
}
/** The acceptable values of each field; null stands for absent or empty. */
export interface DerivationExpect {
  siteCode: (string | null)[];
  currency: (string | null)[];
  targetLocation: (string | null)[];
}
export type DerivationRow = CaseRow<DerivationInput, DerivationExpect>;

const acceptable: JSONSchemaType<(string | null)[]> = { type: 'array', minItems: 1, items: { type: 'string', nullable: true } };

export const derivationProfiles: CaseTable<DerivationInput, DerivationExpect> = {
  file: 'derivation-profiles.json',
  title: 'Default-derivation case table',
  requirement: { type: 'string', pattern: '^SC-DERIVE-' },
  input: {
    type: 'object',
    additionalProperties: false,
    required: [],
    properties: {
      anonymous: { type: 'object', required: [], additionalProperties: { type: 'string' }, nullable: true },
      customer: { type: 'string', format: 'email', nullable: true },
    },
    oneOf: [{ required: ['anonymous'] }, { required: ['customer'] }],
  },
  expect: {
    type: 'object',
    additionalProperties: false,
    required: ['siteCode', 'currency', 'targetLocation'],
    properties: { siteCode: acceptable, currency: acceptable, targetLocation: acceptable },
  },
};

export const caseTables = [tenantNames, patchFields, attributeNames, derivationProfiles] as const;

// ---------------------------------------------------------------------------------------------------------------
// Schema files and the loader

export function schemaPathOf(table: { file: string }): string {
  return `fixtures/${table.file.replace(/\.json$/, '.schema.json')}`;
}

const GENERATED = 'Written from tests/support/cases.ts by `npx tsx tests/support/cases.ts --write`; edit it there.';

/** The JSON of schemas/fixtures/case-row.schema.json. */
export function rowSchemaJson(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: GENERATED,
    ...caseRowSchema,
    definitions: { anyValue: { description: 'Any JSON value.' } },
  };
}

/** The JSON of a table's schema: the table, whose rows are the shared row refined. */
export function tableSchemaJson(table: { file: string; title: string; requirement: object; input: object; expect: object }): Record<string, unknown> {
  const path = schemaPathOf(table);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: path,
    $comment: GENERATED,
    title: table.title,
    type: 'object',
    required: ['$schema', 'description', 'cases'],
    additionalProperties: false,
    properties: {
      $schema: { const: `../schemas/${path}` },
      description: { type: 'string', minLength: 1 },
      cases: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          allOf: [{ $ref: 'case-row.schema.json' }],
          properties: {
            requirements: { type: 'array', items: table.requirement },
            input: table.input,
            expect: table.expect,
          },
        },
      },
    },
  };
}

const root = new URL('../../', import.meta.url);

/** The rows of a case table, read, checked against its schema and typed. */
export function loadCases<I, E>(table: CaseTable<I, E>): CaseRow<I, E>[] {
  const data = JSON.parse(readFileSync(new URL(`fixtures/${table.file}`, root), 'utf8')) as { cases: CaseRow<I, E>[] };
  const path = schemaPathOf(table);
  const validate = validatorFor(path);
  if (!validate(data)) throw new Error(`fixtures/${table.file} does not match schemas/${path}:\n${formatErrors(validate.errors)}`);
  return data.cases;
}

/** Whether a row belongs to the contract under test. */
export function appliesTo(row: CaseRow<unknown, unknown>, specVersion: SpecVersion): boolean {
  return !row.specVersions || row.specVersions.includes(specVersion);
}

/** Every schema file this module writes, with its JSON. */
export function schemaFiles(): [string, Record<string, unknown>][] {
  return [[ROW_ID, rowSchemaJson()], ...caseTables.map((t): [string, Record<string, unknown>] => [schemaPathOf(t), tableSchemaJson(t)])];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--write')) {
  for (const [path, json] of schemaFiles()) {
    writeFileSync(fileURLToPath(new URL(`schemas/${path}`, root)), `${JSON.stringify(json, null, 2)}\n`);
    console.log(`wrote schemas/${path}`);
  }
}
