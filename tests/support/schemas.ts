/**
 * The contract, compiled once per worker: schemas/session-context.openapi.json, typed as an OpenAPI 3 document.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import { ajv } from './ajv.js';

export { formatErrors } from './ajv.js';

const file = fileURLToPath(new URL('../../schemas/session-context.openapi.json', import.meta.url));
export const contract = JSON.parse(readFileSync(file, 'utf8')) as OpenAPIV3.Document;

export type SchemaName =
  | 'SessionContext_2026_04'
  | 'SessionContext_2022_11'
  | 'ErrorMessage'
  | 'NotFound'
  | 'GatewayFault'
  | 'AttributeCreated';

ajv.addSchema(contract as object, 'contract');

const compiled = new Map<SchemaName, ValidateFunction>();

export function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    if (!contract.components?.schemas?.[name]) throw new Error(`schema ${name} is not in schemas/session-context.openapi.json`);
    fn = ajv.getSchema(`contract#/components/schemas/${name}`);
    if (!fn) throw new Error(`schema ${name} did not compile`);
    compiled.set(name, fn);
  }
  return fn;
}

export function sessionContextSchema(specVersion: string): SchemaName {
  return specVersion === '2022-11' ? 'SessionContext_2022_11' : 'SessionContext_2026_04';
}
