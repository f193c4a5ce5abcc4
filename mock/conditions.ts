/**
 * Real-world conditions of a shared tenant behind a gateway, for testing a client's retry logic (issue 7):
 * latency, rate limiting (429), gateway errors (503/504) and connection resets, each on a seeded share of the
 * requests so that a run repeats. All are off by default; they act before the request reaches any rule, so a
 * request they hit has changed nothing. (The context-lag condition is a property of the store: store.ts.)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fault } from './domain/replies.js';
import type { MockSettings, Reply } from './domain/types.js';

/** mulberry32: a small, fast, seedable generator; the same seed picks the same requests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Condition = 'reset' | 'rate-limit' | 'gateway' | undefined;

/** One draw per request splits [0, 1) into the shares, so each share is what was asked for. */
export function pickCondition(settings: Pick<MockSettings, 'networkResets' | 'rateLimit' | 'gatewayErrors'>, draw: number): Condition {
  if (draw < settings.networkResets) return 'reset';
  if (draw < settings.networkResets + settings.rateLimit) return 'rate-limit';
  if (draw < settings.networkResets + settings.rateLimit + settings.gatewayErrors) return 'gateway';
  return undefined;
}

export const rateLimited = (): Reply =>
  fault(429, 'Rate limit quota violation. Quota limit exceeded.', 'policies.ratelimit.QuotaViolation', { 'retry-after': '1' });
export const serviceUnavailable = (): Reply =>
  fault(503, 'The Service is temporarily unavailable', 'messaging.adaptors.http.flow.ServiceUnavailable', { 'retry-after': '1' });
export const gatewayTimeout = (): Reply => fault(504, 'Gateway Timeout', 'messaging.adaptors.http.flow.GatewayTimeout');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function conditionsActive(s: MockSettings): boolean {
  return s.latencyMs > 0 || s.rateLimit > 0 || s.gatewayErrors > 0 || s.networkResets > 0;
}

/** Installs the conditions as the first hook of every request; `exempt` paths (the mock's own) are left alone. */
export function installConditions(
  app: FastifyInstance,
  settings: MockSettings,
  send: (reply: FastifyReply, result: Reply) => FastifyReply,
  exempt: (path: string) => boolean,
): void {
  if (!conditionsActive(settings)) return;
  const random = seededRandom(settings.randomSeed);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (exempt(req.url.split('?')[0])) return;
    const condition = pickCondition(settings, random());
    // 504 is a gateway timeout: only a read may be answered so; the second draw picks between 503 and 504.
    const timeout = (req.method === 'GET' || req.method === 'HEAD') && condition === 'gateway' && random() < 0.5;
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    if (condition === 'reset') {
      reply.hijack();
      req.raw.socket?.destroy();
      return reply;
    }
    if (condition === 'rate-limit') return send(reply, rateLimited());
    if (condition === 'gateway') return send(reply, timeout ? gatewayTimeout() : serviceUnavailable());
  });
}
