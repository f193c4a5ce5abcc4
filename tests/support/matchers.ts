/**
 * Custom matchers. Each failure prints what failed and the request and response that led to it (redacted).
 */
import { expect as base } from '@playwright/test';
import { describeExchange, type Exchange } from './api.js';
import { formatErrors, validator, type SchemaName } from './schemas.js';

function isExchange(x: unknown): x is Exchange {
  return !!x && typeof x === 'object' && 'status' in x && 'method' in x && 'text' in x;
}

export type StatusExpectation = number | '2xx' | '4xx' | number[];

function statusMatches(status: number, want: StatusExpectation): boolean {
  if (Array.isArray(want)) return want.includes(status);
  if (want === '2xx') return status >= 200 && status < 300;
  if (want === '4xx') return status >= 400 && status < 500;
  return status === want;
}

export const expect = base.extend({
  /** The exchange's JSON body (or a plain value) validates against a schema of the contract. */
  toMatchSchema(received: unknown, name: SchemaName) {
    const value = isExchange(received) ? received.json : received;
    const validate = validator(name);
    const pass = isExchange(received) && received.json === undefined ? false : validate(value);
    const detail = isExchange(received) ? `\n\n${describeExchange(received)}` : `\n\nvalue: ${JSON.stringify(value)}`;
    const why = isExchange(received) && received.json === undefined ? '  the body is empty or not JSON' : formatErrors(validate.errors);
    if (!pass && isExchange(received) && !this.isNot) received.failed = true;
    return {
      pass,
      name: 'toMatchSchema',
      message: () =>
        pass ? `expected the body not to match schema ${name}${detail}` : `expected the body to match schema ${name}:\n${why}${detail}`,
    };
  },

  /** The exchange answered the given status, status class ('2xx', '4xx') or one of several statuses. */
  toHaveStatus(received: Exchange, want: StatusExpectation, because?: string) {
    const pass = statusMatches(received.status, want);
    if (pass === this.isNot) received.failed = true;
    return {
      pass,
      name: 'toHaveStatus',
      message: () =>
        `expected ${pass ? 'not ' : ''}status ${Array.isArray(want) ? want.join(' or ') : want}, got ${received.status}` +
        `${because ? ` (${because})` : ''}\n\n${describeExchange(received)}`,
    };
  },
});

const SESSION_KEYS = ['metadata', 'context', 'siteCode', 'currency', 'cartId', 'targetLocation', 'customerId', 'language'];

/** A rejection must not leak the session: none of its fields, and not its cart id anywhere in the body. */
export function expectNoSessionData(x: Exchange, cartId?: string): void {
  const body = x.json && typeof x.json === 'object' ? (x.json as Record<string, unknown>) : {};
  const leaked = SESSION_KEYS.filter((k) => k in body);
  expect(leaked, `the body carries session fields\n\n${describeExchange(x)}`).toEqual([]);
  if (cartId) expect(x.text.includes(cartId), `the body carries the cart id\n\n${describeExchange(x)}`).toBe(false);
}
