/**
 * Area 3: the PATCH whitelist. "Only specific fields can be updated this way, and the rest is ignored":
 * whitelisted fields are applied, every other field is answered 204 and left as it was.
 */
import { appliesTo, loadCases, patchFields } from './support/cases.js';
import { expect, req, test } from './support/fixtures.js';
import { otherValue } from './support/sites.js';

const rows = loadCases(patchFields);

/** `{a: {b: v}}` for the path `a.b`. */
function nest(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head]: rest.length ? nest(rest.join('.'), value) : value };
}

function read(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

test.describe('PATCH whitelist', () => {
  for (const c of rows) {
    test(c.description, req(...c.requirements), async ({ flows, api }) => {
      test.skip(!appliesTo(c, flows.specVersion), `not part of the ${flows.specVersion} contract (SPEC_VERSION)`);
      const session = await flows.withContext();
      const before = await flows.context(session.token);
      const { field, otherThanCurrent } = c.input;
      const value = otherThanCurrent ? otherValue(await flows.sites(session.token), otherThanCurrent, before) : c.input.value;
      test.skip(value === undefined, `the target's sites offer no ${otherThanCurrent} other than the current one`);
      const body = nest(field, value);
      body.metadata = { ...((body.metadata as object) ?? {}), version: before.metadata.version };
      const res = await api.patchOwnContext(session.token, body);
      expect(res).toHaveStatus(204);
      const after = await flows.context(session.token);
      if (c.expect.stored === 'sent') {
        expect(read(after, field), `GET after PATCH shows the ${field} sent`).toEqual(value);
      } else {
        expect(read(after, field), `${field} is not taken from the PATCH body`).not.toEqual(value);
      }
      if (c.expect.stored === 'unchanged') {
        expect(read(after, field), `${field} keeps its stored value`).toEqual(read(before, field));
      }
    });
  }

  test('a successful PATCH answers 204 with no body', req('SC-PATCH-01'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const before = await flows.context(session.token);
    const res = await api.patchOwnContext(session.token, { context: { conformanceEcho: 'no' }, metadata: { version: before.metadata.version } });
    expect(res).toHaveStatus(204);
    expect(res.text, 'a 204 carries no body').toBe('');
  });

  test('PATCH replaces the whole context map (observed)', req('SC-PATCH-CONTEXT-01'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const v1 = (await flows.context(session.token)).metadata.version;
    expect(await api.patchOwnContext(session.token, { context: { first: 'one', second: { n: '2' } }, metadata: { version: v1 } })).toHaveStatus(204);
    const v2 = (await flows.context(session.token)).metadata.version;
    expect(await api.patchOwnContext(session.token, { context: { third: 'three' }, metadata: { version: v2 } })).toHaveStatus(204);
    const after = await flows.context(session.token);
    expect(after.context).toEqual({ third: 'three' });
  });
});
