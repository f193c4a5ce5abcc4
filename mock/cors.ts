/**
 * CORS for browser storefronts (issue 14): they call the API straight from the page with an `Authorization` header,
 * so every call is preceded by a preflight, and the headers they send include `saas-token`, `session-id`,
 * `x-version` and `accept-language` (BEHAVIOUR.md §8). Without this a browser cannot read a single answer.
 * The HTTP layer's concern, like the conditions: no rule of the service lives here.
 */
import type { FastifyInstance } from 'fastify';
import type { MockSettings } from './domain/types.js';

/** Request headers a storefront sends; a preflight's own `Access-Control-Request-Headers` are allowed as well. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'saas-token', 'session-id', 'x-version', 'accept', 'accept-language', 'content-language'] as const;
/** Answer headers a page must be able to read: a new cart's Location, a 429's Retry-After, a 405's Allow. */
export const CORS_EXPOSED_HEADERS = ['location', 'retry-after', 'allow'] as const;
export const CORS_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * The Access-Control-Allow-Origin for a request: '*' echoes the page's origin (any page may call; '*' itself when
 * the request names none, as curl does); a list echoes a listed origin and otherwise names its first, which a
 * browser then refuses; 'off' sends none.
 */
export function allowedOrigin(setting: string, origin: string | undefined): string | undefined {
  if (setting === 'off') return undefined;
  // Only a value that can go back out as a header is echoed (no origin is ever made of other characters).
  if (setting === '*') return origin !== undefined && /^[\x21-\x7e]+$/.test(origin) ? origin : '*';
  const origins = setting.split(',');
  return origin !== undefined && origins.includes(origin) ? origin : origins[0];
}

/** A preflight: OPTIONS with Origin and Access-Control-Request-Method (Fetch standard, "CORS-preflight request"). */
export const isPreflight = (method: string, headers: Record<string, unknown>): boolean =>
  method === 'OPTIONS' && typeof headers.origin === 'string' && typeof headers['access-control-request-method'] === 'string';

/**
 * Installs CORS as the first hook of every request, before the real-world conditions: a preflight is answered 204
 * here (so neither the 405 rule nor a simulated 429 catches it, which a browser would turn into an opaque network
 * error), and every other answer, the conditions' 429/503 among them, carries the allowed origin.
 */
export function installCors(app: FastifyInstance, settings: Pick<MockSettings, 'cors'>): void {
  if (settings.cors === 'off') return;
  app.addHook('onRequest', async (req, reply) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    reply.header('access-control-allow-origin', allowedOrigin(settings.cors, origin));
    reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    if (settings.cors !== '*' || origin !== undefined) reply.header('vary', 'Origin');
    if (!isPreflight(req.method, req.headers)) return;
    const requested = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h));
    reply
      .code(204)
      .header('access-control-allow-methods', CORS_METHODS)
      .header('access-control-allow-headers', [...new Set([...CORS_ALLOWED_HEADERS, ...requested])].join(', '))
      .header('access-control-max-age', '600');
    return reply.send();
  });
}
