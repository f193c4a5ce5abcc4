/**
 * The suite's own matchers: a failure names the instance path, the ajv message and the body, and never a secret.
 */
import { test, expect as plain } from '@playwright/test';
import { expect } from '../support/matchers.js';
import { describeExchange, type Exchange } from '../support/api.js';
import { registerSecret } from '../support/redact.js';

function exchange(status: number, json: unknown, extra: Partial<Exchange> = {}): Exchange {
  return {
    method: 'GET',
    url: 'http://127.0.0.1:1/session-context/conformance/me/context',
    requestHeaders: { authorization: 'Bearer s3cr3t-token-value' },
    status,
    responseHeaders: {},
    text: JSON.stringify(json),
    json,
    ...extra,
  };
}

test.describe('matchers', () => {
  test('toMatchSchema passes a valid SessionContext', () => {
    expect(exchange(200, { sessionId: 's', metadata: { version: 1 } })).toMatchSchema('SessionContext_2026_04');
  });

  test('toMatchSchema fails with the instance path, the ajv message and the body', () => {
    let message = '';
    try {
      expect(exchange(200, { sessionId: 's', metadata: { version: '1' } })).toMatchSchema('SessionContext_2026_04');
    } catch (e) {
      message = (e as Error).message;
    }
    plain(message).toContain('/metadata/version');
    plain(message).toContain('must be integer');
    plain(message).toContain('"sessionId": "s"');
  });

  test('toMatchSchema fails on an empty body', () => {
    plain(() => expect(exchange(200, undefined, { text: '' })).toMatchSchema('GatewayFault')).toThrow(/empty or not JSON/);
  });

  test('toHaveStatus prints the request and response with secrets masked', () => {
    registerSecret('refresh-secret-123456');
    let message = '';
    try {
      expect(exchange(500, { refresh_token: 'x', note: 'has refresh-secret-123456 inside' })).toHaveStatus('4xx');
    } catch (e) {
      message = (e as Error).message;
    }
    plain(message).toContain('expected status 4xx, got 500');
    plain(message).toContain('GET http://127.0.0.1:1/session-context/conformance/me/context');
    plain(message).not.toContain('s3cr3t-token-value');
    plain(message).not.toContain('refresh-secret-123456');
  });

  test('describeExchange masks token query parameters', () => {
    const text = describeExchange(exchange(200, {}, { url: 'http://h/customer/t/logout?accessToken=abcdefgh&x=1' }));
    plain(text).not.toContain('abcdefgh');
    plain(text).toContain('x=1');
  });
});
