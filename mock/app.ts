/**
 * The HTTP layer of the mock: Fastify routes that translate requests into SessionService calls.
 * No rule lives here; see mock/domain/.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SessionService, error } from './domain/service.js';
import type { MockSettings, Reply, Seed } from './domain/types.js';

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;

function send(reply: FastifyReply, result: Reply): FastifyReply {
  reply.code(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  if (result.body === undefined) return reply.send();
  // A bare JSON string (the attribute POST answer) must go out as JSON, not as text.
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(result.body));
}

const caller = (req: FastifyRequest) => ({
  authorization: req.headers.authorization,
  saasToken: typeof req.headers['saas-token'] === 'string' ? req.headers['saas-token'] : undefined,
});

export interface MockApp {
  app: FastifyInstance;
  service: SessionService;
}

export function createApp(seed: Seed, settings: MockSettings, options: { logger?: boolean } = {}): MockApp {
  const service = new SessionService(seed, settings);
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

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error(err);
      return send(reply, error(500, 'Internal error'));
    }
    if (service.deviates('bad-json-500') && err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return send(reply, error(500, 'Internal error'));
    }
    return send(reply, error(status, err.message));
  });
  app.setNotFoundHandler((req, reply) => send(reply, error(404, `No route for ${req.method} ${req.url.split('?')[0]}`)));

  // Customer Management: anonymous tokens, customer login/logout, own profile.
  app.get('/customerlogin/auth/anonymous/login', (req, reply) => send(reply, service.anonymousLogin(req.query as Query)));
  app.get('/customerlogin/auth/anonymous/refresh', (req, reply) => send(reply, service.anonymousRefresh(req.query as Query)));
  app.post('/customer/:tenant/login', (req, reply) =>
    send(reply, service.customerLogin(caller(req), (req.params as Params).tenant, req.body)),
  );
  app.get('/customer/:tenant/logout', (req, reply) =>
    send(reply, service.customerLogout(caller(req), (req.params as Params).tenant, (req.query as Query).accessToken)),
  );
  app.get('/customer/:tenant/me', (req, reply) =>
    send(reply, service.customerMe(caller(req), (req.params as Params).tenant, (req.query as Query).expand)),
  );

  // OAuth: service tokens.
  app.post('/oauth/token', (req, reply) => send(reply, service.serviceToken((req.body ?? {}) as Query)));

  // Site Settings.
  app.get('/site/:tenant/sites', (req, reply) => send(reply, service.sites(caller(req), (req.params as Params).tenant)));
  app.get('/site/:tenant/sites/:code', (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.sites(caller(req), p.tenant, p.code));
  });

  // Carts.
  app.post('/cart/:tenant/carts', (req, reply) => send(reply, service.createCart(caller(req), (req.params as Params).tenant, req.body)));
  app.delete('/cart/:tenant/carts/:cartId', (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.deleteCart(caller(req), p.tenant, p.cartId));
  });

  // Session Context: own session.
  const own = '/session-context/:tenant/me/context';
  app.get(own, (req, reply) => send(reply, service.getOwn(caller(req), (req.params as Params).tenant)));
  app.patch(own, async (req, reply) => send(reply, await service.patchOwn(caller(req), (req.params as Params).tenant, req.body)));
  app.post(`${own}/attributes`, (req, reply) =>
    send(reply, service.addOwnAttribute(caller(req), (req.params as Params).tenant, req.body)),
  );
  app.delete(`${own}/attributes/:attributeName`, (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.deleteOwnAttribute(caller(req), p.tenant, p.attributeName));
  });

  // Session Context: management.
  const managed = '/session-context/:tenant/context/:sessionId';
  app.get(managed, (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.getContext(caller(req), p.tenant, p.sessionId));
  });
  app.put(managed, (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.putContext(caller(req), p.tenant, p.sessionId, (req.query as Query).upsert, req.body));
  });
  app.post(`${managed}/attributes`, (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.addAttribute(caller(req), p.tenant, p.sessionId, req.body));
  });
  app.delete(`${managed}/attributes/:attributeName`, (req, reply) => {
    const p = req.params as Params;
    return send(reply, service.deleteAttribute(caller(req), p.tenant, p.sessionId, p.attributeName));
  });

  return { app, service };
}

/** Starts a mock on 127.0.0.1 (port 0: a free one) and answers its base URL. */
export async function startMock(seed: Seed, settings: MockSettings, port = 0, logger = false) {
  const { app, service } = createApp(seed, settings, { logger });
  const address = await app.listen({ host: '127.0.0.1', port });
  return { url: address, app, service, close: () => app.close() };
}
