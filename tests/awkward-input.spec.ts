/**
 * Awkward attribute names and values, from fixtures/attribute-names.json. ContextAttribute allows any
 * string key and an object or string value; nothing documents a limit, so each case may round-trip or be refused
 * with a 4xx. It must never be a 5xx (only "an internal error" is documented for that), and never disturb another
 * attribute of the same context or another session's context.
 */
import { readFileSync } from 'node:fs';
import { expect, record, req, test } from './support/fixtures.js';
import type { Exchange } from './support/api.js';

interface AttributeCase {
  description: string;
  requirement: 'SC-INPUT-01' | 'SC-INPUT-02';
  name: string;
  value: string | Record<string, unknown>;
  repeat?: number;
  depth?: number;
}

const table = JSON.parse(readFileSync(new URL('../fixtures/attribute-names.json', import.meta.url), 'utf8')) as { cases: AttributeCase[] };

const NEIGHBOUR = 'conformanceNeighbour';
const NEIGHBOUR_VALUE = { kept: 'intact', n: '1' };
const OTHER = 'conformanceOtherSession';

function valueOf(c: AttributeCase): unknown {
  let value: unknown = c.repeat ? (c.value as string).repeat(c.repeat) : c.value;
  for (let i = 0; i < (c.depth ?? 0); i++) value = { level: value };
  return value;
}

/** Own properties only: `constructor` or `__proto__` must not be read off Object.prototype. */
function attribute(context: Record<string, unknown> | undefined, name: string): { present: boolean; value?: unknown } {
  if (!context || !Object.hasOwn(context, name)) return { present: false };
  return { present: true, value: Object.getOwnPropertyDescriptor(context, name)?.value };
}

function titleOf(c: AttributeCase): string {
  if (c.requirement === 'SC-INPUT-02') return `${c.description} round-trips or gets a 4xx, and disturbs nothing`;
  const shown = c.name.length > 32 ? `${c.name.slice(0, 24)}… (${c.name.length} characters)` : c.name;
  return `an attribute named ${JSON.stringify(shown)} round-trips or gets a 4xx, and disturbs nothing (${c.description})`;
}

/** 201 or a 4xx, nothing else: not a 5xx, and not another 2xx (SC-ATTR-01 documents 201). */
function expectCreatedOr4xx(res: Exchange, what: string): void {
  if (res.status !== 201) expect(res, `${what}: 201 or a 4xx`).toHaveStatus('4xx');
}

function expectDeletedOr4xx(res: Exchange, what: string): void {
  if (res.status !== 204) expect(res, `${what}: 204 or a 4xx`).toHaveStatus('4xx');
}

test.describe('awkward attribute names and values', () => {
  for (const c of table.cases) {
    test(titleOf(c), req(c.requirement), async ({ flows, api }, testInfo) => {
      // Another session, with an attribute of its own, that nothing below may touch.
      const other = await flows.withContext();
      expect(await api.addOwnAttribute(other.token, { key: OTHER, value: 'untouched' })).toHaveStatus(201);
      const otherBefore = await flows.context(other.token);

      const session = await flows.withContext();
      expect(await api.addOwnAttribute(session.token, { key: NEIGHBOUR, value: NEIGHBOUR_VALUE })).toHaveStatus(201);
      const before = await flows.context(session.token);

      const value = valueOf(c);
      const post = await api.addOwnAttribute(session.token, { key: c.name, value });
      record(testInfo, `POST answered ${post.status}`);
      expectCreatedOr4xx(post, 'POST');
      const afterPost = await flows.context(session.token);
      expect(attribute(afterPost.context, NEIGHBOUR), 'the neighbour attribute is unchanged').toEqual({ present: true, value: NEIGHBOUR_VALUE });

      if (post.status === 201) {
        expect(attribute(afterPost.context, c.name), 'GET shows the value under the name sent').toEqual({ present: true, value });
        const del = await api.deleteOwnAttribute(session.token, encodeURIComponent(c.name));
        record(testInfo, `DELETE answered ${del.status}`);
        expectDeletedOr4xx(del, 'DELETE');
        const afterDelete = await flows.context(session.token);
        expect(attribute(afterDelete.context, NEIGHBOUR), 'the neighbour attribute survives the DELETE').toEqual({ present: true, value: NEIGHBOUR_VALUE });
        if (del.status === 204) {
          expect(attribute(afterDelete.context, c.name).present, 'a 204 DELETE removed the attribute').toBe(false);
        } else {
          expect(afterDelete, 'a refused DELETE changes nothing').toEqual(afterPost);
        }
      } else {
        expect(afterPost, 'a refused POST changes nothing').toEqual(before);
      }

      await flows.expectUnchanged(other.token, otherBefore, 'writes to another session');
    });
  }
});
