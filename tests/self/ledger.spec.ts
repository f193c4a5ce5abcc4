/**
 * The session ledger (tests/support/ledger.ts) on synthetic traffic: sequences a correct implementation may answer
 * give no finding, whatever the documents leave open (login or cart re-deriving fields, PUT on fields it did not
 * carry, whether attribute writes raise the version, overlapping writes, late visibility); each class of wrong
 * effect gives a finding that names its requirement and carries the exchanges that show it.
 */
import { test, expect } from '@playwright/test';
import type { Exchange } from '../support/api.js';
import { SessionLedger, type LedgerFinding, type LedgerOptions } from '../support/ledger.js';

const BASE = 'http://127.0.0.1:1';
const T = 'conformance';

type Ctx = Record<string, unknown> & { metadata: { version: number; createdAt: string; modifiedAt: string } };

/** Synthetic traffic with a clock: each exchange takes 10 ms unless told otherwise, one after the other. */
class Traffic {
  clock = 1_000_000;
  readonly ledger: SessionLedger;
  readonly findings: LedgerFinding[] = [];

  constructor(opts: Partial<LedgerOptions> = {}) {
    this.ledger = new SessionLedger({ specVersion: '2026-04', propagationMs: 0, ...opts });
  }

  make(method: string, path: string, status: number, opts: { token?: string; body?: unknown; json?: unknown; headers?: Record<string, string>; raw?: string } = {}): Exchange {
    const requestHeaders: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.token) requestHeaders.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined || opts.raw !== undefined) requestHeaders['content-type'] ??= 'application/json';
    const startedAt = this.clock;
    this.clock += 10;
    return {
      method,
      url: `${BASE}${path}`,
      requestHeaders,
      requestBody: opts.raw ?? opts.body,
      rawBody: opts.raw,
      status,
      responseHeaders: opts.json === undefined ? {} : { 'content-type': 'application/json' },
      text: opts.json === undefined ? '' : JSON.stringify(opts.json),
      json: opts.json,
      startedAt,
      endedAt: this.clock,
    };
  }

  feed(...xs: Exchange[]): LedgerFinding[] {
    const out = xs.flatMap((x) => this.ledger.observe(x));
    this.findings.push(...out);
    return out;
  }

  login(sessionId: string, token = `tok-${sessionId}`) {
    return this.feed(this.make('GET', `/customerlogin/auth/anonymous/login?tenant=${T}&client_id=sf`, 200, { json: { access_token: token, refresh_token: `r-${token}`, sessionId, expires_in: 3599 } }));
  }
  read(token: string, ctx: unknown, status = 200) {
    return this.feed(this.make('GET', `/session-context/${T}/me/context`, status, { token, json: ctx }));
  }
  readById(sessionId: string, ctx: unknown, status = 200) {
    return this.feed(this.make('GET', `/session-context/${T}/context/${sessionId}`, status, { token: 'service', json: ctx }));
  }
  patch(token: string, body: unknown, status = 204) {
    return this.feed(this.make('PATCH', `/session-context/${T}/me/context`, status, { token, body }));
  }
  put(sessionId: string, body: unknown, status = 204) {
    return this.feed(this.make('PUT', `/session-context/${T}/context/${sessionId}`, status, { token: 'service', body }));
  }
  addOwn(token: string, key: string, value: unknown, status = 201) {
    return this.feed(this.make('POST', `/session-context/${T}/me/context/attributes`, status, { token, body: { key, value }, json: status === 201 ? key : undefined }));
  }
  addManaged(sessionId: string, key: string, value: unknown, status = 204) {
    return this.feed(this.make('POST', `/session-context/${T}/context/${sessionId}/attributes`, status, { token: 'service', body: { key, value } }));
  }
  deleteOwn(token: string, name: string, status = 204) {
    return this.feed(this.make('DELETE', `/session-context/${T}/me/context/attributes/${encodeURIComponent(name)}`, status, { token }));
  }
  deleteManaged(sessionId: string, name: string, status = 204) {
    return this.feed(this.make('DELETE', `/session-context/${T}/context/${sessionId}/attributes/${encodeURIComponent(name)}`, status, { token: 'service' }));
  }
  cart(token: string) {
    return this.feed(this.make('POST', `/cart/${T}/carts`, 201, { token, body: { currency: 'EUR' }, json: { cartId: 'cart-1' } }));
  }
}

const at = (n: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, n)).toISOString();

function ctx(sessionId: string, fields: Record<string, unknown> = {}, version = 1, modified = 0): Ctx {
  return {
    sessionId,
    siteCode: 'main',
    currency: 'EUR',
    targetLocation: 'DE',
    language: 'en',
    cartId: 'cart-1',
    ...fields,
    metadata: { version, createdAt: at(0), modifiedAt: at(modified) },
  };
}

/** A session A with a context the ledger has read once (version 1). */
function started(opts: Partial<LedgerOptions> = {}) {
  const t = new Traffic(opts);
  t.login('A');
  t.read('tok-A', ctx('A'));
  return t;
}

const ids = (fs: LedgerFinding[]) => fs.map((f) => f.requirement).sort();

test.describe('session ledger: what a correct implementation may answer gives no finding', () => {
  test('a PATCH that shows exactly what it sent, one version up, modifiedAt forward', () => {
    const t = started();
    t.patch('tok-A', { currency: 'USD', metadata: { version: 1 } });
    t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1));
    expect(t.findings).toEqual([]);
    expect(t.ledger.stats.judgedWrites).toBe(1);
  });

  test('attribute writes with or without a version bump (SC-ATTR-07 is open), own and management', () => {
    const t = started();
    t.addOwn('tok-A', 'a', 'x');
    t.read('tok-A', ctx('A', { context: { a: 'x' } }, 1, 1));
    t.addManaged('A', 'b', { y: 1 });
    t.readById('A', ctx('A', { context: { a: 'x', b: { y: 1 } } }, 2, 2));
    t.deleteOwn('tok-A', 'a');
    t.deleteManaged('A', 'b');
    // The live API omits the key when the last attribute is gone (BEHAVIOUR.md §2).
    t.read('tok-A', ctx('A', {}, 2, 3));
    expect(t.findings).toEqual([]);
  });

  test('a PUT sets what it sent and keeps the attributes without context; what it does to other fields it did not carry is open', () => {
    const t = started();
    t.addOwn('tok-A', 'kept', 'x');
    t.read('tok-A', ctx('A', { context: { kept: 'x' } }, 1, 1));
    t.put('A', { currency: 'CHF', metadata: { version: 1 } });
    t.readById('A', ctx('A', { currency: 'CHF', targetLocation: 'CH', cartId: undefined, context: { kept: 'x' } }, 2, 5));
    expect(t.findings).toEqual([]);
  });

  test('refused writes (stale version 404 or 409, bad body 400) change nothing', () => {
    const t = started();
    t.patch('tok-A', { currency: 'USD', metadata: { version: 7 } }, 404);
    t.patch('tok-A', { currency: 'USD', metadata: { version: 7 } }, 409);
    t.feed(t.make('PATCH', `/session-context/${T}/me/context`, 400, { token: 'tok-A', raw: '{"metadata":' }));
    t.read('tok-A', ctx('A'));
    expect(t.findings).toEqual([]);
  });

  test('login, refresh and cart creation may re-derive fields: the next read is taken as it is', () => {
    const t = started();
    t.cart('tok-A');
    t.read('tok-A', ctx('A', { cartId: 'cart-2' }, 2, 4));
    t.feed(t.make('POST', `/customer/${T}/login`, 200, { token: 'tok-A', body: { email: 'e', password: 'p' }, json: { access_token: 'cust-A', saas_token: 'saas', session_id: 'A' } }));
    t.read('cust-A', ctx('A', { cartId: 'cart-2', customerId: 'C1', currency: 'CHF' }, 3, 5));
    t.feed(t.make('GET', `/customerlogin/auth/anonymous/refresh?tenant=${T}&client_id=sf&refresh_token=r-tok-A`, 200, { json: { access_token: 'tok-A2', refresh_token: 'r2', sessionId: 'A' } }));
    t.read('tok-A2', ctx('A', { cartId: 'cart-2', customerId: 'C1', currency: 'GBP' }, 4, 6));
    t.patch('tok-A2', { siteCode: 'b2b', metadata: { version: 4 } });
    t.read('tok-A2', ctx('A', { cartId: 'cart-2', customerId: 'C1', currency: 'GBP', siteCode: 'b2b' }, 5, 7));
    expect(t.findings).toEqual([]);
  });

  test('what a login or a cart sets may show late: reads inside the propagation bound after it are taken as they are', () => {
    // A cart service that sets cartId in the context by an event, a login that derives its fields a moment later:
    // nothing documents that either is visible at once (BEHAVIOUR.md §3, §6).
    const t = started({ propagationMs: 5_000 });
    t.cart('tok-A');
    t.read('tok-A', ctx('A', { cartId: undefined }));
    t.read('tok-A', ctx('A', { cartId: 'cart-2' }, 2, 4));
    t.feed(t.make('POST', `/customer/${T}/login`, 200, { token: 'tok-A', body: { email: 'e', password: 'p' }, json: { access_token: 'cust-A', saas_token: 'saas', session_id: 'A' } }));
    t.read('cust-A', ctx('A', { cartId: 'cart-2' }, 2, 4));
    t.read('cust-A', ctx('A', { cartId: 'cart-2', customerId: 'C1', currency: 'CHF' }, 3, 5));
    expect(t.findings).toEqual([]);
    // Once the bound has passed, what was read is what holds: a change with no write is a finding again.
    t.clock += 6_000;
    t.read('cust-A', ctx('A', { cartId: 'cart-2', customerId: 'C1', currency: 'CHF' }, 3, 5));
    t.read('cust-A', ctx('A', { cartId: 'cart-2', customerId: 'C1', currency: 'USD' }, 3, 5));
    expect(ids(t.findings)).toEqual(['SC-READ-01']);
  });

  test('a write sent again after a gateway error may have taken effect on the first attempt, whatever its last answer', () => {
    const t = started();
    const put = t.make('PUT', `/session-context/${T}/context/A`, 404, { token: 'service', body: { currency: 'USD', metadata: { version: 1 } } });
    put.attempts = 2;
    t.feed(put);
    t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1));
    expect(t.findings).toEqual([]);
  });

  test('a mistyped field answered 2xx may be coerced or stored as sent', () => {
    const t = started();
    t.put('A', { currency: 42, metadata: { version: 1 } });
    t.readById('A', ctx('A', { currency: '42' }, 2, 1));
    t.patch('tok-A', { targetLocation: ['AT'], metadata: { version: 2 } });
    t.read('tok-A', ctx('A', { currency: '42', targetLocation: ['AT'] }, 3, 2));
    expect(t.findings).toEqual([]);
  });

  test('a 404 read (late visibility) concludes nothing; the context read later is judged against the writes', () => {
    const t = started();
    t.patch('tok-A', { targetLocation: 'AT', metadata: { version: 1 } });
    t.read('tok-A', { code: 404, message: 'Session not found', sessionId: 'A' }, 404);
    t.read('tok-A', ctx('A', { targetLocation: 'AT' }, 2, 1));
    expect(t.findings).toEqual([]);
  });

  test('inside the propagation bound a read may still show the state before the write', () => {
    const t = started({ propagationMs: 5_000 });
    t.clock += 6_000;
    t.read('tok-A', ctx('A'));
    t.patch('tok-A', { currency: 'USD', metadata: { version: 1 } });
    t.read('tok-A', ctx('A'));
    t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1));
    expect(t.findings).toEqual([]);
  });

  test('overlapping writes on one session: the ledger takes the next read after them', () => {
    const t = started();
    const a = t.make('PATCH', `/session-context/${T}/me/context`, 204, { token: 'tok-A', body: { currency: 'USD', metadata: { version: 1 } } });
    const b = t.make('PATCH', `/session-context/${T}/me/context`, 404, { token: 'tok-A', body: { currency: 'GBP', metadata: { version: 1 } } });
    b.startedAt = a.startedAt! + 1;
    t.feed(a, b);
    // Whichever won, the read shows it; a lost-update bug is the concurrency tests' to find.
    t.read('tok-A', ctx('A', { currency: 'GBP' }, 2, 1));
    expect(t.findings).toEqual([]);
  });

  test('a read that ends while a write announced with begin() is in flight is not judged', () => {
    const t = started();
    const w = t.make('PATCH', `/session-context/${T}/me/context`, 204, { token: 'tok-A', body: { currency: 'USD', metadata: { version: 1 } } });
    t.ledger.begin(w);
    t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1));
    t.feed(w);
    t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1));
    expect(t.findings).toEqual([]);
  });

  test('another spelling of the tenant, an unknown token, a version sent as 1.0: nothing wrong concluded', () => {
    const t = started();
    t.feed(t.make('PATCH', `/session-context/CONFORMANCE/me/context`, 204, { token: 'tok-A', body: { currency: 'USD', metadata: { version: 1 } } }));
    t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1));
    t.patch('tok-unknown', { currency: 'JPY', metadata: { version: 2 } });
    t.read('tok-A', ctx('A', { currency: 'JPY' }, 3, 2));
    t.feed(t.make('PATCH', `/session-context/${T}/me/context`, 204, { token: 'tok-A', raw: '{"currency":"SEK","metadata":{"version":3.0}}' }));
    t.read('tok-A', ctx('A', { currency: 'SEK' }, 4, 3));
    expect(t.findings).toEqual([]);
  });
});

test.describe('session ledger: each class of wrong effect is a finding naming its requirement', () => {
  const cases: { title: string; run: (t: Traffic) => void; expected: string[] }[] = [
    {
      title: 'a PATCH that also moves a field it did not send',
      run: (t) => (t.patch('tok-A', { currency: 'USD', metadata: { version: 1 } }), t.read('tok-A', ctx('A', { currency: 'USD', targetLocation: 'US' }, 2, 1))),
      expected: ['SC-PATCH-02'],
    },
    {
      title: 'a PATCH whose whitelisted field is not applied',
      run: (t) => (t.patch('tok-A', { currency: 'USD', metadata: { version: 1 } }), t.read('tok-A', ctx('A', {}, 2, 1))),
      expected: ['SC-PATCH-WHITELIST-02'],
    },
    {
      title: 'a PATCH that applies a protected field',
      run: (t) => (t.patch('tok-A', { cartId: 'forged', metadata: { version: 1 } }), t.read('tok-A', ctx('A', { cartId: 'forged' }, 2, 1))),
      expected: ['SC-PATCH-IGNORED-03'],
    },
    {
      title: 'a PATCH that raises the version by two',
      run: (t) => (t.patch('tok-A', { siteCode: 'b2b', metadata: { version: 1 } }), t.read('tok-A', ctx('A', { siteCode: 'b2b' }, 3, 1))),
      expected: ['SC-VERSION-07'],
    },
    {
      title: 'a PATCH that leaves modifiedAt where it was',
      run: (t) => (t.patch('tok-A', { siteCode: 'b2b', metadata: { version: 1 } }), t.read('tok-A', ctx('A', { siteCode: 'b2b' }, 2, 0))),
      expected: ['SC-VERSION-08'],
    },
    {
      title: 'an own attribute POST that also clears cartId',
      run: (t) => (t.addOwn('tok-A', 'a', 'x'), t.read('tok-A', ctx('A', { context: { a: 'x' }, cartId: undefined }, 1, 1))),
      expected: ['SC-ATTR-08'],
    },
    {
      title: 'a management attribute POST that drops another attribute and stores its own',
      run: (t) => (t.addOwn('tok-A', 'a', 'x'), t.addManaged('A', 'b', 'y'), t.readById('A', ctx('A', { context: { b: 'y' } }, 1, 1))),
      expected: ['SC-ATTR-08'],
    },
    {
      title: 'an own attribute POST that stores another value',
      run: (t) => (t.addOwn('tok-A', 'a', { n: 1 }), t.read('tok-A', ctx('A', { context: { a: '{"n":1}' } }, 1, 1))),
      expected: ['SC-ATTR-02'],
    },
    {
      title: 'a management attribute DELETE that keeps the attribute',
      run: (t) => (t.addManaged('A', 'a', 'x'), t.read('tok-A', ctx('A', { context: { a: 'x' } }, 1, 1)), t.deleteManaged('A', 'a'), t.readById('A', ctx('A', { context: { a: 'x' } }, 1, 2))),
      expected: ['SC-MGMT-ATTR-02'],
    },
    {
      title: 'a PUT whose field is not applied',
      run: (t) => (t.put('A', { siteCode: 'b2b', metadata: { version: 1 } }), t.readById('A', ctx('A', {}, 2, 1))),
      expected: ['SC-MGMT-PUT-01'],
    },
    {
      title: 'a PUT without context that drops the attributes',
      run: (t) => (t.addOwn('tok-A', 'kept', 'x'), t.put('A', { siteCode: 'b2b', metadata: { version: 1 } }), t.readById('A', ctx('A', { siteCode: 'b2b' }, 2, 1))),
      expected: ['SC-MGMT-PUT-01'],
    },
    {
      title: 'a PUT that answers 204 to a mistyped field and drops it silently',
      run: (t) => (t.put('A', { currency: 42, metadata: { version: 1 } }), t.readById('A', ctx('A', {}, 2, 1))),
      expected: ['SC-MGMT-PUT-01'],
    },
    {
      title: 'a refused PATCH that changed something',
      run: (t) => (t.patch('tok-A', { currency: 'USD', metadata: { version: 9 } }, 404), t.read('tok-A', ctx('A', { currency: 'USD' }, 2, 1))),
      expected: ['SC-INPUT-03'],
    },
    {
      title: 'a context that changes with no write at all',
      run: (t) => t.read('tok-A', ctx('A', {}, 1, 3)),
      expected: ['SC-READ-01'],
    },
    {
      title: "a write to one session that shows in another's",
      run: (t) => (t.login('B'), t.read('tok-B', ctx('B')), t.addOwn('tok-B', 'b', 'x'), t.read('tok-A', ctx('A', { context: { b: 'x' } }))),
      expected: ['SC-ISOLATION-01'],
    },
    {
      title: "an own read that answers another session's context",
      run: (t) => (t.login('B'), t.read('tok-B', ctx('A'))),
      expected: ['SC-GET-01'],
    },
  ];
  for (const c of cases) {
    test(c.title, () => {
      const t = started();
      c.run(t);
      expect(ids(t.findings)).toEqual(c.expected);
      const f = t.findings[0];
      // The read that shows it is the last exchange; the writes before it come with it.
      expect(f.exchanges.at(-1)!.method).toBe('GET');
      expect(f.text.length).toBeGreaterThan(20);
    });
  }

  test('outside the propagation bound a write that never shows is a finding', () => {
    const t = started({ propagationMs: 100 });
    // Past the login's own bound first: what it set has settled, so the read is what holds.
    t.clock += 500;
    t.read('tok-A', ctx('A'));
    t.patch('tok-A', { currency: 'USD', metadata: { version: 1 } });
    t.clock += 500;
    t.read('tok-A', ctx('A'));
    expect(ids(t.findings)).toEqual(['SC-PATCH-WHITELIST-02', 'SC-VERSION-07', 'SC-VERSION-08']);
  });

  test('the finding tells the story: the writes, then what the read shows against what was expected', () => {
    const t = started();
    t.patch('tok-A', { currency: 'USD', metadata: { version: 1 } });
    t.read('tok-A', ctx('A', { currency: 'USD', targetLocation: 'US' }, 2, 1));
    expect(t.findings[0].text).toBe('after PATCH /me/context {"currency":"USD","metadata":{"version":1}} → 204, the next read shows: targetLocation is "US", expected "DE"');
    expect(t.findings[0].exchanges.map((x) => x.method)).toEqual(['GET', 'PATCH', 'GET']);
  });
});

test.describe('session ledger: memory', () => {
  test('expire forgets idle sessions and their tokens', () => {
    const t = new Traffic();
    for (let i = 0; i < 50; i++) t.login(`S${i}`);
    expect(t.ledger.size).toBe(50);
    t.ledger.expire(60_000, Date.now() + 120_000);
    expect(t.ledger.size).toBe(0);
    // A token of a forgotten session is unknown again: its read is taken as it is, not judged.
    t.read('tok-S1', ctx('S1'));
    expect(t.findings).toEqual([]);
  });
});
