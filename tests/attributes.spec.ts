/**
 * Own attributes. POST /me/context/attributes `{key, value}` answers 201 with the attribute name as a JSON
 * string; DELETE /me/context/attributes/{name} answers 204. "Optimistic locking is not taken into account here."
 * Values may be objects or strings: the spec's Context says object, its own example and ContextAttribute say
 * string too (BEHAVIOUR.md §1).
 */
import { expect, req, test } from './support/fixtures.js';

test.describe('own attributes', () => {
  test('POST /me/context/attributes answers 201 with the attribute name as a JSON string', req('SC-ATTR-01'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const res = await api.addOwnAttribute(session.token, { key: 'conformanceCreated', value: 'yes' });
    expect(res).toHaveStatus(201);
    expect(res).toMatchSchema('AttributeCreated');
    expect(res.json, 'the body names the attribute').toBe('conformanceCreated');
  });

  const values: { title: string; value: unknown }[] = [
    { title: 'a string attribute value round-trips', value: 'plain text value' },
    { title: 'an object attribute value round-trips', value: { brand: 'acme', tags: ['a', 'b'], nested: { depth: 2, flag: true } } },
  ];
  for (const c of values) {
    test(c.title, req('SC-ATTR-02', 'SC-ATTR-08'), async ({ flows, api }) => {
      const session = await flows.withContext();
      expect(await api.addOwnAttribute(session.token, { key: 'conformanceValue', value: c.value })).toHaveStatus(201);
      const context = await flows.context(session.token);
      expect(context.context?.conformanceValue).toEqual(c.value);
    });
  }

  test('DELETE /me/context/attributes/{name} answers 204 and the attribute is gone', req('SC-ATTR-03', 'SC-ATTR-08'), async ({ flows, api }) => {
    const session = await flows.withContext();
    expect(await api.addOwnAttribute(session.token, { key: 'conformanceDoomed', value: 'bye' })).toHaveStatus(201);
    expect(await api.addOwnAttribute(session.token, { key: 'conformanceKept', value: { stay: 'here' } })).toHaveStatus(201);
    const res = await api.deleteOwnAttribute(session.token, 'conformanceDoomed');
    expect(res).toHaveStatus(204);
    expect(res.text, 'a 204 carries no body').toBe('');
    const context = await flows.context(session.token);
    expect(Object.keys(context.context ?? {}), 'the deleted attribute is gone').not.toContain('conformanceDoomed');
    expect(context.context?.conformanceKept, 'the other attribute stays').toEqual({ stay: 'here' });
  });

  test('deleting an attribute that does not exist answers 404 and changes nothing (observed)', req('SC-ATTR-04'), async ({ flows, api }) => {
    const session = await flows.withContext();
    expect(await api.addOwnAttribute(session.token, { key: 'conformancePresent', value: 'x' })).toHaveStatus(201);
    const before = await flows.context(session.token);
    const res = await api.deleteOwnAttribute(session.token, 'conformanceNeverAdded');
    expect(res).toHaveStatus(404);
    await flows.expectUnchanged(session.token, before, 'deleting a missing attribute');
  });

  test('after the last attribute is removed the context holds no attributes (observed)', req('SC-ATTR-05'), async ({ flows, api }) => {
    const session = await flows.withContext();
    expect(await api.addOwnAttribute(session.token, { key: 'conformanceOnly', value: 'alone' })).toHaveStatus(201);
    expect(await api.deleteOwnAttribute(session.token, 'conformanceOnly')).toHaveStatus(204);
    const context = await flows.context(session.token);
    // The live API omits the key (BEHAVIOUR.md §2); an empty map says the same and is accepted too.
    expect([undefined, {}], `context after the last removal: ${JSON.stringify(context.context)}`).toContainEqual(context.context);
  });

  test('attribute writes succeed without any metadata.version, also after the version moved', req('SC-ATTR-06'), async ({ flows, api }) => {
    const session = await flows.withContext();
    const v1 = (await flows.context(session.token)).metadata.version;
    // Move the version on, so a write that silently needed the old version would now be stale.
    expect(await api.patchOwnContext(session.token, { context: { conformanceBase: 'v2' }, metadata: { version: v1 } })).toHaveStatus(204);
    expect(await api.addOwnAttribute(session.token, { key: 'conformanceUnlocked', value: 'added' }), 'POST carries no version').toHaveStatus(201);
    expect((await flows.context(session.token)).context?.conformanceUnlocked).toBe('added');
    expect(await api.deleteOwnAttribute(session.token, 'conformanceUnlocked'), 'DELETE carries no version').toHaveStatus(204);
    expect(Object.keys((await flows.context(session.token)).context ?? {})).not.toContain('conformanceUnlocked');
  });
});
