/**
 * The mock's domain behind one facade, as the HTTP layer (mock/app.ts) calls it. Every operation takes plain
 * inputs (header values, path and query parameters, a parsed body) and answers a Reply; nothing here knows
 * about Fastify. This file checks what every request shares (query parameters, body depth, unparseable
 * bodies) and hands on to the operation's module:
 *   store.ts       state, record writes and rendering     rules.ts            the documented rules, pure
 *   access.ts      bearer, tenant, scope                   identity.ts         logins, refresh, logout, /me, service
 * tokens
 *   neighbours.ts  sites, carts                            contexts.ts         /me/context operations
 *   management.ts  /context/{sessionId} operations        deviation-hooks.ts  what each deviation changes
 */
import type { Caller } from './access.js';
import * as contexts from './contexts.js';
import * as identity from './identity.js';
import * as management from './management.js';
import * as neighbours from './neighbours.js';
import { error, isReply } from './replies.js';
import { jsonDepth, MAX_DEPTH, repeatedParameter } from './rules.js';
import type { Hooks } from './hooks.js';
import { Store } from './store.js';
import type { MockSettings, Reply, Seed } from './types.js';

export { MANAGE_SCOPE, CART_SCOPE, type Caller } from './access.js';
export { error } from './replies.js';

type Query = Record<string, string | undefined>;

export class SessionService {
  readonly store: Store;

  /** `hooks`: a deviation's hooks (mock/domain/deviation-hooks.ts), chosen where the mock is composed; none: faithful. */
  constructor(seed: Seed, settings: MockSettings, hooks: Hooks = {}) {
    this.store = new Store(seed, settings, hooks);
  }

  get settings(): MockSettings {
    return this.store.settings;
  }

  /** SC-HTTP-01: a repeated query parameter gets 400, never a 500 or an array where a string belongs. */
  query(raw: unknown): Query | Reply {
    const query = (raw ?? {}) as Record<string, unknown>;
    const repeated = repeatedParameter(query);
    if (repeated === undefined) return query as Query;
    const reply = error(400, `Query parameter ${repeated} is given more than once`);
    return this.store.dev.repeatedParameter?.(reply) ?? reply;
  }

  /** SC-INPUT-02, SC-INPUT-03, SC-HTTP-01: a body nested deeper than MAX_DEPTH gets 400, so no stored value can break a read. */
  body(raw: unknown): Reply | undefined {
    const limit = this.store.dev.depthLimit?.(MAX_DEPTH) ?? MAX_DEPTH;
    return jsonDepth(raw) > limit ? error(400, `The request body is nested deeper than ${MAX_DEPTH} levels`) : undefined;
  }

  /** SC-VERSION-06: a body the parser refused (not JSON, too large, wrong content type) gets its 4xx. */
  rejectedBody(status: number, message: string, code: string | undefined): Reply {
    const reply = error(status, message);
    return this.store.dev.badBody?.(reply, code) ?? reply;
  }

  residue() {
    return this.store.residue();
  }

  /** SC-HTTP-02, SC-HTTP-04: every answer as it leaves for `path` (the faithful mock sends it unchanged). */
  outgoing(reply: Reply, path: string): Reply {
    return this.store.dev.outgoing?.(reply, path) ?? reply;
  }

  private withQuery<R extends Reply | Promise<Reply>>(raw: unknown, operation: (q: Query) => R): Reply | R {
    const query = this.query(raw);
    return isReply(query) ? query : operation(query);
  }

  private withBody<R extends Reply | Promise<Reply>>(raw: unknown, operation: () => R): Reply | R {
    return this.body(raw) ?? operation();
  }

  anonymousLogin = (rawQuery: unknown) => this.withQuery(rawQuery, (q) => identity.anonymousLogin(this.store, q));
  anonymousRefresh = (rawQuery: unknown) => this.withQuery(rawQuery, (q) => identity.anonymousRefresh(this.store, q));
  customerLogin = (c: Caller, tenant: string, body: unknown) => this.withBody(body, () => identity.customerLogin(this.store, c, tenant, body));
  customerLogout = (c: Caller, tenant: string, rawQuery: unknown) =>
    this.withQuery(rawQuery, (q) => identity.customerLogout(this.store, c, tenant, q.accessToken));
  customerMe = (c: Caller, tenant: string, rawQuery: unknown) => this.withQuery(rawQuery, (q) => identity.customerMe(this.store, c, tenant, q.expand));
  serviceToken = (form: unknown) => this.withQuery(form, (f) => identity.serviceToken(this.store, f));
  customerRefresh = (c: Caller, tenant: string, rawQuery: unknown) =>
    this.withQuery(rawQuery, (q) => identity.customerRefresh(this.store, c, tenant, q.refreshToken));
  validateToken = (c: Caller, tenant: string) => identity.validateToken(this.store, c, tenant);
  customerAddresses = (c: Caller, tenant: string) => identity.customerAddresses(this.store, c, tenant);

  sites = (c: Caller, tenant: string, code?: string) => neighbours.sites(this.store, c, tenant, code);
  createCart = (c: Caller, tenant: string, body: unknown) => this.withBody(body, () => neighbours.createCart(this.store, c, tenant, body));
  deleteCart = (c: Caller, tenant: string, cartId: string) => neighbours.deleteCart(this.store, c, tenant, cartId);
  getCart = (c: Caller, tenant: string, cartId: string) => neighbours.getCart(this.store, c, tenant, cartId);
  cartByCriteria = (c: Caller, tenant: string, rawQuery: unknown) => this.withQuery(rawQuery, (q) => neighbours.cartByCriteria(this.store, c, tenant, q));

  getOwn = (c: Caller, tenant: string) => contexts.getOwn(this.store, c, tenant);
  patchOwn = async (c: Caller, tenant: string, body: unknown): Promise<Reply> => this.withBody(body, () => contexts.patchOwn(this.store, c, tenant, body));
  addOwnAttribute = (c: Caller, tenant: string, body: unknown) => this.withBody(body, () => contexts.addOwnAttribute(this.store, c, tenant, body));
  deleteOwnAttribute = (c: Caller, tenant: string, name: string) => contexts.deleteOwnAttribute(this.store, c, tenant, name);

  getContext = (c: Caller, tenant: string, sessionId: string) => management.getContext(this.store, c, tenant, sessionId);
  putContext = (c: Caller, tenant: string, sessionId: string, rawQuery: unknown, body: unknown) =>
    this.withQuery(
      rawQuery,
      (q) => management.putHeaders(this.store, c, tenant, sessionId) ?? this.withBody(body, () => management.putContext(this.store, c, tenant, sessionId, q.upsert, body)),
    );
  addAttribute = (c: Caller, tenant: string, sessionId: string, body: unknown) =>
    this.withBody(body, () => management.addAttribute(this.store, c, tenant, sessionId, body));
  deleteAttribute = (c: Caller, tenant: string, sessionId: string, name: string) => management.deleteAttribute(this.store, c, tenant, sessionId, name);
}
