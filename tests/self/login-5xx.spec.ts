/**
 * Where a 5xx stops being a neighbour's noise (issue 13 §2): an anonymous login that carries session-context
 * parameters (spec 2026-04) is the call that creates a context from them, so its 5xx fails as SC-HTTP-01; a plain
 * anonymous login, a gateway 502/503/504 and the 2022-11 contract (no such parameters) stay inconclusive.
 */
import { test, expect } from '@playwright/test';
import type { Exchange } from '../support/api.js';
import { checkExchange, isContextCreatingLogin } from '../support/universal.js';

const login = (query: string, status: number): Exchange => ({
  method: 'GET',
  url: `http://127.0.0.1:1/customerlogin/auth/anonymous/login?tenant=t&client_id=c${query}`,
  requestHeaders: {},
  status,
  responseHeaders: { 'content-type': 'text/html' },
  text: '<html>oops</html>',
  json: undefined,
});

test('a 5xx to an anonymous login with any one session-context parameter is SC-HTTP-01', () => {
  for (const p of ['currency=EUR', 'siteCode=main', 'language=en', 'targetLocation=DE', 'siteCode=']) {
    const x = login(`&${p}`, 500);
    expect(isContextCreatingLogin(x, '2026-04'), p).toBe(true);
    expect(checkExchange(x, '2026-04').map((v) => v.requirement), p).toEqual(['SC-HTTP-01']);
  }
});

test('a plain anonymous login, a gateway answer and the 2022-11 contract stay with the neighbour (inconclusive in the client)', () => {
  expect(checkExchange(login('', 500), '2026-04')).toEqual([]);
  expect(checkExchange(login('&currency=EUR', 503), '2026-04')).toEqual([]);
  expect(checkExchange(login('&currency=EUR', 500), '2022-11')).toEqual([]);
  // Only the 5xx rule: the Customer Service's other answers (an HTML 401, say) are not judged as Session Context ones.
  expect(checkExchange(login('&currency=EUR', 401), '2026-04')).toEqual([]);
});
