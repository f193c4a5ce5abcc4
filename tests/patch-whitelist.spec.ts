/**
 * Area 3: the PATCH whitelist. "Only specific fields can be updated this way, and the rest is ignored":
 * whitelisted fields are applied, every other field is answered 204 and left as it was.
 */
import { readFileSync } from 'node:fs';
import { expect, req, test } from './support/fixtures.js';
import type { Flows, SessionContext } from './support/flows.js';

interface FieldCase {
  id: string;
  field: string;
  kind: 'whitelisted' | 'ignored';
  value: unknown;
  specVersions: string[];
}

const table = JSON.parse(readFileSync(new URL('../fixtures/patch-fields.json', import.meta.url), 'utf8')) as { cases: FieldCase[] };

/** A value other than the current one, taken from the target's own sites, so no validation can refuse it. */
async function resolveValue(flows: Flows, token: string, current: SessionContext, value: unknown): Promise<unknown> {
  if (typeof value !== 'string' || !value.startsWith('$')) return value;
  const sites = (await flows.sites(token)).filter((s) => s.active !== false);
  const pick = (options: (string | undefined)[], now: unknown) => {
    const known = [...new Set(options.filter((o): o is string => !!o))];
    return known.find((o) => o !== now) ?? known[0];
  };
  const site = sites.find((s) => s.code === current.siteCode) ?? sites[0];
  switch (value) {
    case '$site.other':
      return pick(sites.map((s) => s.code), current.siteCode);
    case '$currency.other':
      return pick([...(site?.availableCurrencies ?? []), ...sites.map((s) => s.currency)], current.currency);
    case '$country.other':
      return pick([...(site?.shipToCountries ?? []), ...sites.map((s) => s.homeBase?.address?.country)], current.targetLocation);
    case '$language.other':
      return pick(sites.flatMap((s) => s.languages ?? []), current.language);
  }
  throw new Error(`fixtures/patch-fields.json: unknown symbolic value ${value}`);
}

/** `{a: {b: v}}` for the path `a.b`. */
function nest(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head]: rest.length ? nest(rest.join('.'), value) : value };
}

function read(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

test.describe('PATCH whitelist', () => {
  for (const c of table.cases) {
    const title =
      c.kind === 'whitelisted'
        ? `PATCH updates ${c.field} (spec ${c.specVersions.join(', ')})`
        : `PATCH ignores ${c.field === 'conformanceUnknownField' ? 'an unknown field' : c.field} (spec ${c.specVersions.join(', ')})`;
    test(title, req(c.id), async ({ flows, api }) => {
      test.skip(!c.specVersions.includes(flows.specVersion), `not part of the ${flows.specVersion} contract (SPEC_VERSION)`);
      const session = await flows.withContext();
      const before = await flows.context(session.token);
      const value = await resolveValue(flows, session.token, before, c.value);
      const body = { ...nest(c.field, value) } as Record<string, unknown>;
      body.metadata = { ...((body.metadata as object) ?? {}), version: before.metadata.version };
      const res = await api.patchOwnContext(session.token, body);
      expect(res).toHaveStatus(204);
      const after = await flows.context(session.token);
      if (c.kind === 'whitelisted') {
        expect(read(after, c.field), `GET after PATCH shows the ${c.field} sent`).toEqual(value);
      } else {
        expect(read(after, c.field), `${c.field} is not taken from the PATCH body`).not.toEqual(value);
        if (c.field !== 'metadata.modifiedAt') {
          expect(read(after, c.field), `${c.field} keeps its stored value`).toEqual(read(before, c.field));
        }
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
