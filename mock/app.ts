/**
 * The HTTP layer of the mock: Fastify routes that translate requests into SessionService calls, CORS
 * (mock/cors.ts), the real-world conditions (mock/conditions.ts) and the residue report. No rule and no deviation
 * lives here; see mock/domain/. It is where the mock is composed: the deviation's hooks are chosen here and handed
 * to the service, so the store, the rules and the faithful flow import nothing of the catalogue.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { installConditions } from './conditions.js';
import { installCors } from './cors.js';
import { hooksFor } from './domain/deviation-hooks.js';
import { error, internalError } from './domain/replies.js';
import { SessionService } from './domain/service.js';
import type { MockSettings, Reply, Seed } from './domain/types.js';

type Params = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The mock's own endpoints: never hit by a condition, never part of the emulated API. */
export const RESIDUE_PATH = '/__mock/residue';

/** SC-HTTP-02: every body goes out as JSON with a JSON content type (a `raw` body as given, with its headers). */
function send(reply: FastifyReply, result: Reply): FastifyReply {
  reply.code(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  if (result.raw !== undefined) return reply.send(result.raw);
  if (result.body === undefined) return reply.send();
  // A bare JSON string (the attribute POST answer) must go out as JSON, not as text.
  if (!result.headers?.['content-type']) reply.type('application/json; charset=utf-8');
  return reply.send(JSON.stringify(result.body));
}

const caller = (req: FastifyRequest) => ({
  authorization: typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
  saasToken: typeof req.headers['saas-token'] === 'string' ? req.headers['saas-token'] : undefined,
});

/** The 404 for a path no route serves: which services and routes the mock has instead. */
function notServed(method: string, path: string, routes: ReadonlyMap<string, Method[]>): Reply {
  const served = [...routes].filter(([url]) => !url.startsWith('/__mock/'));
  const services = [...new Set(served.map(([url]) => url.split('/')[1]))];
  return error(404, `This mock does not serve ${method} ${path}. It serves the services ${services.join(', ')} (routes listed in "routes")`, {
    routes: served.flatMap(([url, known]) => known.map((m) => `${m} ${url}`)),
  });
}

export interface MockApp {
  app: FastifyInstance;
  service: SessionService;
}

export function createApp(seed: Seed, settings: MockSettings, options: { logger?: boolean } = {}): MockApp {
  // The one place the catalogue meets the faithful flow: the deviation's hooks are handed to the service.
  const service = new SessionService(seed, settings, hooksFor(settings.deviation));
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: settings.bodyLimit,
    forceCloseConnections: true,
    // Attribute names and tenants arrive percent-encoded; keep long paths routable.
    routerOptions: { maxParamLength: 2048 },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Clients send `Content-Type: application/json` on requests without a body (a DELETE; a token request with its
  // credentials in the query, BEHAVIOUR.md §8): an empty body is no body, and the operation's own rules answer.
  // Anything else goes to Fastify's parser as before (its proto-poisoning refusal and error codes included).
  const json = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).length === 0) done(null, undefined);
    else json(req, body as string, done);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error(err);
      return send(reply, internalError());
    }
    return send(reply, service.outgoing(service.rejectedBody(status, err.message, err.code), req.url.split('?')[0]));
  });
  /** Every path's methods, so that a known path with another method gets 405 with `Allow`. */
  const methods = new Map<string, Method[]>();
  // A service the mock does not serve: a JSON 404 naming those it does, so a client's error says what is missing.
  app.setNotFoundHandler((req, reply) => send(reply, notServed(req.method, req.url.split('?')[0], methods)));

  // CORS first: a preflight is answered before the conditions and the 405 rule, and every answer carries the origin.
  installCors(app, settings);
  installConditions(app, settings, send, (path) => path.startsWith('/__mock/'));

  const route = (method: Method, url: string, handler: (req: FastifyRequest) => Reply | Promise<Reply>) => {
    methods.set(url, [...(methods.get(url) ?? []), method]);
    app.route({ method, url, handler: async (req, reply) => send(reply, service.outgoing(await handler(req), req.url.split('?')[0])) });
  };
  const p = (req: FastifyRequest) => req.params as Params;

  // Customer Management: anonymous tokens, customer login/logout, own profile.
  route('GET', '/customerlogin/auth/anonymous/login', (req) => service.anonymousLogin(req.query));
  route('GET', '/customerlogin/auth/anonymous/refresh', (req) => service.anonymousRefresh(req.query));
  route('POST', '/customer/:tenant/login', (req) => service.customerLogin(caller(req), p(req).tenant, req.body));
  route('GET', '/customer/:tenant/logout', (req) => service.customerLogout(caller(req), p(req).tenant, req.query));
  route('GET', '/customer/:tenant/me', (req) => service.customerMe(caller(req), p(req).tenant, req.query));
  route('GET', '/customer/:tenant/refreshauthtoken', (req) => service.customerRefresh(caller(req), p(req).tenant, req.query));
  // Stand-ins a storefront may call around login; not subjects of the suite (mock/domain/identity.ts).
  route('GET', '/customer/:tenant/validateauthtoken', (req) => service.validateToken(caller(req), p(req).tenant));
  route('GET', '/customer/:tenant/me/addresses', (req) => service.customerAddresses(caller(req), p(req).tenant));

  // OAuth: service tokens.
  route('POST', '/oauth/token', (req) => service.serviceToken(req.body));

  // Site Settings.
  route('GET', '/site/:tenant/sites', (req) => service.sites(caller(req), p(req).tenant));
  route('GET', '/site/:tenant/sites/:code', (req) => service.sites(caller(req), p(req).tenant, p(req).code));

  // Carts.
  route('POST', '/cart/:tenant/carts', (req) => service.createCart(caller(req), p(req).tenant, req.body));
  route('GET', '/cart/:tenant/carts', (req) => service.cartByCriteria(caller(req), p(req).tenant, req.query));
  route('GET', '/cart/:tenant/carts/:cartId', (req) => service.getCart(caller(req), p(req).tenant, p(req).cartId));
  route('DELETE', '/cart/:tenant/carts/:cartId', (req) => service.deleteCart(caller(req), p(req).tenant, p(req).cartId));

  // Session Context: own session.
  const own = '/session-context/:tenant/me/context';
  route('GET', own, (req) => service.getOwn(caller(req), p(req).tenant));
  route('PATCH', own, (req) => service.patchOwn(caller(req), p(req).tenant, req.body));
  route('POST', `${own}/attributes`, (req) => service.addOwnAttribute(caller(req), p(req).tenant, req.body));
  route('DELETE', `${own}/attributes/:attributeName`, (req) => service.deleteOwnAttribute(caller(req), p(req).tenant, p(req).attributeName));

  // Session Context: management.
  const managed = '/session-context/:tenant/context/:sessionId';
  route('GET', managed, (req) => service.getContext(caller(req), p(req).tenant, p(req).sessionId));
  route('PUT', managed, (req) => service.putContext(caller(req), p(req).tenant, p(req).sessionId, req.query, req.body));
  route('POST', `${managed}/attributes`, (req) => service.addAttribute(caller(req), p(req).tenant, p(req).sessionId, req.body));
  route('DELETE', `${managed}/attributes/:attributeName`, (req) =>
    service.deleteAttribute(caller(req), p(req).tenant, p(req).sessionId, p(req).attributeName),
  );

  // What a run left behind (off by default): the lead's residue check asserts nothing beyond anonymous sessions.
  if (settings.residue) route('GET', RESIDUE_PATH, () => ({ status: 200, body: service.residue() }));

  // A known path with a method it does not have: 405 with Allow (HEAD comes with every GET).
  for (const [url, known] of methods) {
    const allow = [...known, ...(known.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
    const others = (['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const).filter((m) => !allow.split(', ').includes(m));
    app.route({
      method: [...others],
      url,
      handler: async (req, reply) => send(reply, { ...error(405, `Method ${req.method} is not allowed here; allowed: ${allow}`), headers: { allow } }),
    });
  }

  return { app, service };
}

/** Starts a mock on 127.0.0.1 (port 0: a free one) and answers its base URL. */
export async function startMock(seed: Seed, settings: MockSettings, port = 0, logger = false) {
  const { app, service } = createApp(seed, settings, { logger });
  const address = await app.listen({ host: '127.0.0.1', port });
  return { url: address, app, service, close: () => app.close() };
}
