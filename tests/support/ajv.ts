/**
 * The project's one Ajv: options chosen once, for the contract (schemas/session-context.openapi.json), the case
 * tables (schemas/fixtures/), the requirement catalogue, the mock seed and a target's baseline.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const schemasDir = new URL('../../schemas/', import.meta.url);

export const ajv = new Ajv({
  allErrors: true,
  strict: true,
  // A table row is either-or (`oneOf: [{required: [a]}, {required: [b]}]`), which names properties declared beside it.
  strictRequired: false,
  // Subschemas that only narrow (`contains: {properties: …}`, `dependencies`) need not repeat `type`.
  strictTypes: false,
  // Acceptable derivation values are `string | null`.
  allowUnionTypes: true,
});
addFormats.default(ajv);
// The keywords of an OpenAPI document around its schemas; they carry no validation.
ajv.addVocabulary(['openapi', 'info', 'paths', 'components']);

/** The JSON of a file in schemas/, by its path there ("fixtures/tenant-names.schema.json"). */
export function readSchema(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(fileURLToPath(new URL(path, schemasDir)), 'utf8')) as Record<string, unknown>;
}

/**
 * The validator of a schema file in schemas/, compiled once. The file is registered under its path, so a `$ref`
 * between files ("case-row.schema.json" from fixtures/tenant-names.schema.json) resolves when both carry `$id`s
 * that are those paths.
 */
export function validatorFor(path: string): ValidateFunction {
  const known = ajv.getSchema(path);
  if (known) return known;
  const schema = readSchema(path);
  for (const ref of refsOf(schema)) if (!ajv.getSchema(ref)) ajv.addSchema(readSchema(ref), ref);
  if (schema.$id === undefined) ajv.addSchema(schema, path);
  else ajv.addSchema(schema);
  return ajv.getSchema(path)!;
}

/** Files in schemas/ that a schema refers to by a relative `$ref`, as paths below schemas/. */
function refsOf(schema: Record<string, unknown>): string[] {
  const base = typeof schema.$id === 'string' ? schema.$id : '';
  const dir = base.includes('/') ? base.slice(0, base.lastIndexOf('/') + 1) : '';
  const out = new Set<string>();
  JSON.stringify(schema, (key, value) => {
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.add(dir + value.split('#')[0]);
    return value;
  });
  return [...out];
}

/** Ajv's errors as indented lines: where, what and which schema keyword. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  at ${e.instancePath || '(root)'}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''} (schema ${e.schemaPath})`).join('\n');
}
