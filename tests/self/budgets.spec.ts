/**
 * Boundary examples and named budgets (issue 13 §2): the examples of a generator run first and always, so that each
 * input class is sent at least once on any budget, however small; the coverage annotation names a class a run never
 * reached; CONFORMANCE_BUDGET picks the random runs on top, and PROPERTY_RUNS/MODEL_RUNS/MODEL_COMMANDS still win.
 */
import fc from 'fast-check';
import { test, expect } from '@playwright/test';
import { checkProperty, Coverage, modelBudget, propertyBudget, BUDGET_TABLE, type Example } from '../support/model/runner.js';
import { budgetFrom, type TargetConfig } from '../support/target.js';
import {
  attributeBodyExamples,
  classifyAttributeBody,
  classifyLoginParams,
  classifyWriteBody,
  loginParamsExamples,
  siteValuesOf,
  writeBodyExamples,
} from '../support/generators.js';

const NAMES = { seed: 'SELF_BUDGET_SEED', path: 'SELF_BUDGET_PATH', runs: 'SELF_BUDGET_RUNS' };
const target = (kind: 'mock' | 'live', budget: TargetConfig['budget']): TargetConfig => ({
  kind, baseURL: 'http://127.0.0.1:1', tenant: 't', storefrontClientId: 'x', specVersion: '2026-04', missing: [], retries: 0, timeoutMs: 1, retryCapMs: 0, propagationMs: 0, budget,
});
const sites = siteValuesOf([{ code: 'main', currency: 'EUR', availableCurrencies: ['USD'], homeBase: { address: { country: 'DE' } }, shipToCountries: ['AT'], languages: ['en', 'de'], defaultLanguage: 'en' }]);

function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return body();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('on a budget of one random run, every boundary example is sent first, in order, then the one random run', async ({}, testInfo) => { // eslint-disable-line no-empty-pattern -- testInfo is the second argument
  const examples: Example<number>[] = [-1, 0, 2 ** 31 - 1, 7].map((value, i) => ({ class: `edge-${i}`, value }));
  const coverage = new Coverage(examples, () => []);
  const sent: number[] = [];
  const property = fc.asyncProperty(fc.integer({ min: 100, max: 200 }), async (n) => {
    coverage.saw(n);
    sent.push(n);
  });
  const { runs } = await checkProperty(testInfo, NAMES, property, { runs: 1, commands: 0, timeLimit: 10_000 }, String, () => undefined, undefined, undefined, { of: coverage, what: 'self' });
  expect(sent.slice(0, examples.length)).toEqual(examples.map((e) => e.value));
  expect(sent).toHaveLength(examples.length + 1);
  expect(sent[examples.length]).toBeGreaterThanOrEqual(100);
  expect(runs).toBe(examples.length + 1);
  const annotation = testInfo.annotations.find((a) => a.type === 'coverage');
  expect(annotation?.description).toBe('self: 4/4 classes: edge-0×1, edge-1×1, edge-2×1, edge-3×1');
});

test('a class the run never reached is named in the coverage annotation', async ({}, testInfo) => { // eslint-disable-line no-empty-pattern -- testInfo is the second argument
  const examples: Example<string>[] = [{ class: 'first', value: 'a' }, { class: 'second', value: 'b' }, { class: 'third', value: 'c' }];
  const coverage = new Coverage(examples, () => []);
  const property = fc.asyncProperty(fc.constant<string>('z'), async (v) => {
    coverage.saw(v);
    if (v === 'b') throw new Error('broken on the second class');
  });
  await expect(checkProperty(testInfo, NAMES, property, { runs: 1, commands: 0, timeLimit: 10_000 }, String, () => undefined, undefined, undefined, { of: coverage, what: 'self' })).rejects.toThrow(/broken on the second class/);
  expect(testInfo.annotations.find((a) => a.type === 'coverage')?.description).toBe('self: 2/3 classes: first×1, second×1; never sent: third');
});

test('each generator labels its own boundary examples with their class', () => {
  for (const e of writeBodyExamples(sites)) expect(classifyWriteBody(e.value, sites), e.class).toContain(e.class);
  for (const e of attributeBodyExamples()) expect(classifyAttributeBody(e.value), e.class).toContain(e.class);
  for (const e of loginParamsExamples(sites, { currency: 'EUR', siteCode: 'main', language: 'en', targetLocation: 'DE' })) expect(classifyLoginParams(e.value, sites), e.class).toContain(e.class);
  // Each login parameter on its own, with a value other than the default where the tenant has one.
  const alone = loginParamsExamples(sites, { currency: 'EUR', siteCode: 'main', language: 'en', targetLocation: 'DE' }).filter((e) => e.class.endsWith('-alone'));
  expect(alone.map((e) => e.value)).toEqual([{ currency: 'USD' }, { siteCode: 'main' }, { language: 'de' }, { targetLocation: 'AT' }]);
});

test('CONFORMANCE_BUDGET names the random runs per target kind; explicit runs win; a bad name is a configuration error', () => {
  expect(budgetFrom({})).toBe('standard');
  expect(budgetFrom({ CONFORMANCE_BUDGET: 'deep' })).toBe('deep');
  expect(() => budgetFrom({ CONFORMANCE_BUDGET: 'huge' })).toThrow('CONFORMANCE_BUDGET must be one of quick, standard, deep; got "huge"');
  withEnv({ PROPERTY_RUNS: undefined, MODEL_RUNS: undefined, MODEL_COMMANDS: undefined }, () => {
    for (const kind of ['mock', 'live'] as const) {
      const [quick, standard, deep] = (['quick', 'standard', 'deep'] as const).map((b) => propertyBudget(target(kind, b)).runs);
      expect(quick).toBeLessThan(standard);
      expect(standard).toBeLessThan(deep);
      expect(modelBudget(target(kind, 'deep')).runs).toBe(BUDGET_TABLE.deep[kind].modelRuns);
    }
  });
  withEnv({ PROPERTY_RUNS: '3', MODEL_RUNS: '2', MODEL_COMMANDS: '5' }, () => {
    expect(propertyBudget(target('live', 'deep')).runs).toBe(3);
    expect(modelBudget(target('mock', 'quick'))).toMatchObject({ runs: 2, commands: 5 });
  });
});
