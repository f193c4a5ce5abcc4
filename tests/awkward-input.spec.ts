/**
 * Awkward attribute names and values, from fixtures/attribute-names.json. ContextAttribute allows any
 * string key and an object or string value; nothing documents a limit, so each case may round-trip or be refused
 * with a 4xx. It must never be a 5xx (only "an internal error" is documented for that), and never disturb another
 * attribute of the same context or another session's context.
 */
import { attributeNames, loadCases, statusAmong, type AttributeInput, type StatusText } from './support/cases.js';
import { expect, record, req, test } from './support/fixtures.js';
import { describeExchange, type Exchange } from './support/api.js';

const rows = loadCases(attributeNames);

const NEIGHBOUR = 'conformanceNeighbour';
const NEIGHBOUR_VALUE = { kept: 'intact', n: '1' };
const OTHER = 'conformanceOtherSession';

/**
 * The value and the JSON text sent, built here rather than written out in the table. The text is built by hand
 * because JSON.stringify overflows the stack at a few thousand levels (measured on Node 20 at 5000).
 */
function valueOf(input: AttributeInput): { value: unknown; json: string } {
  const leaf = input.repeat ? (input.value as string).repeat(input.repeat) : input.value;
  const depth = input.depth ?? 0;
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { level: value };
  const json = `{"key":${JSON.stringify(input.name)},"value":${'{"level":'.repeat(depth)}${JSON.stringify(leaf)}${'}'.repeat(depth)}}`;
  return { value, json };
}

/**
 * Deep equality of JSON values with an explicit stack: Playwright's toEqual recurses and overflows on a value
 * nested 5000 levels deep (measured), which would fail a target that handled it correctly.
 */
function sameJson(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || Array.isArray(x) !== Array.isArray(y)) return false;
    const xs = Object.keys(x);
    if (xs.length !== Object.keys(y).length) return false;
    for (const k of xs) {
      if (!Object.hasOwn(y, k)) return false;
      stack.push([Object.getOwnPropertyDescriptor(x, k)?.value, Object.getOwnPropertyDescriptor(y, k)?.value]);
    }
  }
  return true;
}

/** toEqual's diff where a value differs; sameJson decides, so a deep value that matches never reaches toEqual. */
function expectSameJson(actual: unknown, expected: unknown, what: string): void {
  if (!sameJson(actual, expected)) expect(actual, what).toEqual(expected);
}

/** Own properties only: `constructor` or `__proto__` must not be read off Object.prototype. */
function attribute(context: Record<string, unknown> | undefined, name: string): { present: boolean; value?: unknown } {
  if (!context || !Object.hasOwn(context, name)) return { present: false };
  return { present: true, value: Object.getOwnPropertyDescriptor(context, name)?.value };
}

function expectStatusAmong(res: Exchange, listed: StatusText[], what: string): void {
  expect(statusAmong(res.status, listed), `${what} answered ${res.status}, not one of ${listed.join(', ')}\n\n${describeExchange(res)}`).toBe(true);
}

test.describe('an awkward attribute name or value round-trips or gets a 4xx, and disturbs nothing', () => {
  for (const c of rows) {
    test(c.description, req(...c.requirements), async ({ flows, api }, testInfo) => {
      // Another session, with an attribute of its own, that nothing below may touch.
      const other = await flows.withContext();
      expect(await api.addOwnAttribute(other.token, { key: OTHER, value: 'untouched' })).toHaveStatus(201);
      const otherBefore = await flows.context(other.token);

      const session = await flows.withContext();
      expect(await api.addOwnAttribute(session.token, { key: NEIGHBOUR, value: NEIGHBOUR_VALUE })).toHaveStatus(201);
      const before = await flows.context(session.token);

      const { value, json } = valueOf(c.input);
      const post = await api.addOwnAttribute(session.token, json);
      record(testInfo, `POST answered ${post.status}`);
      expectStatusAmong(post, c.expect.post, 'POST');
      const afterPost = await flows.context(session.token);
      expect(attribute(afterPost.context, NEIGHBOUR), 'the neighbour attribute is unchanged').toEqual({ present: true, value: NEIGHBOUR_VALUE });

      if (post.status >= 200 && post.status < 300) {
        expectSameJson(attribute(afterPost.context, c.input.name), { present: true, value }, 'GET shows the value under the name sent');
        const del = await api.deleteOwnAttribute(session.token, encodeURIComponent(c.input.name));
        record(testInfo, `DELETE answered ${del.status}`);
        expectStatusAmong(del, c.expect.delete, 'DELETE');
        const afterDelete = await flows.context(session.token);
        expect(attribute(afterDelete.context, NEIGHBOUR), 'the neighbour attribute survives the DELETE').toEqual({ present: true, value: NEIGHBOUR_VALUE });
        if (del.status >= 200 && del.status < 300) {
          expect(attribute(afterDelete.context, c.input.name).present, 'a 204 DELETE removed the attribute').toBe(false);
        } else {
          expectSameJson(afterDelete, afterPost, 'a refused DELETE changes nothing');
        }
      } else {
        expectSameJson(afterPost, before, 'a refused POST changes nothing');
      }

      await flows.expectUnchanged(other.token, otherBefore, 'writes to another session');
    });
  }
});
