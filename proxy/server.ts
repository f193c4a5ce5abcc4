/**
 * The transparent half of the proxy: every request goes to the target as it came (method, path, query, headers
 * other than hop-by-hop ones, body) and every answer comes back as it came, streamed in both directions. The
 * proxy never sends a request of its own. A copy of each exchange, up to a size limit per body, is handed to
 * `onExchange` once the answer has been delivered, so judging never delays the traffic.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Exchange } from '../tests/support/api.js';
import { depthOf } from '../tests/support/model/oracle.js';

/** An exchange with its timing (epoch ms) and what the copy is missing. */
export interface TimedExchange extends Exchange {
  startedAt: number;
  endedAt: number;
  /** A body was larger than the limit: forwarded whole, but not kept, so the exchange is not judged. */
  truncated?: boolean;
  /** The proxy answered itself (the target could not be reached): nothing about the target to judge. */
  proxyError?: string;
}

export interface ProxyServerOptions {
  target: string;
  port: number;
  host: string;
  /** Bytes of each body kept for judging (default 1 MiB); larger bodies are streamed but not kept. */
  maxBodyBytes: number;
  /** Called as a request arrives, with the object later completed and passed to onExchange (the ledger's begin). */
  onBegin?: (x: TimedExchange) => void;
  onExchange: (x: TimedExchange) => void;
}

/** Nesting beyond this is kept as text (the mock refuses bodies deeper than 64 levels). */
const MAX_DEPTH = 200;

/** RFC 9110 §7.6.1: these describe one connection and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function forwardable(raw: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'connection') for (const n of raw[i + 1].split(',')) named.add(n.trim().toLowerCase());
  }
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) pairs.push([raw[i], raw[i + 1]]);
  }
  return pairs;
}

function headerRecord(pairs: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) {
    const name = k.toLowerCase();
    out[name] = out[name] === undefined ? v : `${out[name]}, ${v}`;
  }
  return out;
}

/** Collects a copy of a stream's bytes up to `limit`; past it, keeps nothing (the exchange is not judged). */
class Tap {
  private chunks: Buffer[] = [];
  private size = 0;
  over = false;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.over) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.over = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function decoded(body: Buffer, encoding: string | undefined, limit: number): Buffer | undefined {
  const e = (encoding ?? '').trim().toLowerCase();
  try {
    if (!e || e === 'identity') return body;
    const opts = { maxOutputLength: limit };
    if (e === 'gzip' || e === 'x-gzip') return zlib.gunzipSync(body, opts);
    if (e === 'deflate') return zlib.inflateSync(body, opts);
    if (e === 'br') return zlib.brotliDecompressSync(body, opts);
  } catch {
    return undefined;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  if (!text.length) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface RunningProxy {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

export function startProxyServer(o: ProxyServerOptions): Promise<RunningProxy> {
  const target = new URL(o.target);
  const secure = target.protocol === 'https:';
  const transport = secure ? https : http;
  // Upstream connections are reused: a new TLS handshake per request would be latency the proxy adds.
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 256 });
  const basePath = target.pathname.replace(/\/$/, '');

  const server = http.createServer((req, res) => {
    const startedAt = Date.now();
    const requestTap = new Tap(o.maxBodyBytes);
    const responseTap = new Tap(o.maxBodyBytes);
    const requestPairs = forwardable(req.rawHeaders);
    // The target's own name: a gateway routes on Host; every other header goes as the client sent it.
    const outgoing = requestPairs.filter(([k]) => k.toLowerCase() !== 'host');
    outgoing.unshift(['Host', target.host]);
    const upstream = transport.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port || (secure ? 443 : 80),
      method: req.method,
      path: `${basePath}${req.url ?? '/'}`,
      headers: outgoing.flat(),
      agent,
    });
    // One object from arrival to delivery: a judge told of it at once can see writes still in flight.
    const x = { method: req.method ?? 'GET', url: `${target.protocol}//${target.host}${req.url ?? '/'}`, requestHeaders: headerRecord(requestPairs), status: 0, responseHeaders: {}, text: '', json: undefined, startedAt, endedAt: startedAt } as TimedExchange;
    o.onBegin?.(x);
    let upstreamStatus = 0;
    let upstreamHeaders: Record<string, string> = {};
    let proxyError: string | undefined;
    let delivered = false;

    const finish = () => {
      if (delivered) return;
      delivered = true;
      const requestHeaders = x.requestHeaders;
      const reqBytes = requestTap.bytes();
      const reqText = reqBytes.toString('utf8');
      const contentType = requestHeaders['content-type'] ?? '';
      let requestBody: unknown;
      let rawBody: string | undefined;
      if (reqBytes.length) {
        // The bytes as sent stay beside the parsed value; a body nested deeper than any judge needs stays text, so
        // that no judge recurses through it.
        const json = /json/i.test(contentType) && depthOf(reqText) <= MAX_DEPTH ? parseJson(reqText) : undefined;
        requestBody = json !== undefined ? json : reqText;
        rawBody = reqText;
      }
      const resBody = responseTap.over ? undefined : decoded(responseTap.bytes(), upstreamHeaders['content-encoding'], o.maxBodyBytes);
      const text = resBody ? resBody.toString('utf8') : '';
      o.onExchange(Object.assign(x, {
        requestBody,
        rawBody,
        status: upstreamStatus,
        responseHeaders: upstreamHeaders,
        text,
        json: depthOf(text) <= MAX_DEPTH ? parseJson(text) : undefined,
        startedAt,
        endedAt: Date.now(),
        truncated: requestTap.over || responseTap.over || (responseTap.bytes().length > 0 && resBody === undefined) || undefined,
        proxyError,
      }));
    };

    let answer: http.IncomingMessage | undefined;
    upstream.on('response', (upRes) => {
      answer = upRes;
      upstreamStatus = upRes.statusCode ?? 0;
      const pairs = forwardable(upRes.rawHeaders);
      upstreamHeaders = headerRecord(pairs);
      res.writeHead(upstreamStatus, upRes.statusMessage, pairs.flat());
      upRes.on('data', (chunk: Buffer) => responseTap.add(chunk));
      res.on('finish', finish);
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    upstream.on('error', (e) => {
      proxyError = e.message;
      if (!res.headersSent) {
        // The proxy's own answer, in the mock's error shape; it is recorded as such and never judged.
        const body = JSON.stringify({ code: 502, message: `conformance proxy: the target ${target.host} could not be reached (${e.message})` });
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body, finish);
      } else res.destroy();
    });
    // The client went away before its answer was complete: the target's request goes with it.
    res.on('close', () => {
      if (res.writableFinished) return;
      if (answer && !answer.destroyed) {
        // A client that has read a whole Content-Length answer may close before the target's end reaches us:
        // delivered all the same, once the target's answer is complete.
        const upRes = answer;
        upRes.once('end', finish);
        upRes.once('close', () => {
          if (!upRes.complete) proxyError ??= 'the client closed the connection before the answer was complete';
          finish();
        });
        upRes.resume();
        return;
      }
      upstream.destroy();
      proxyError ??= 'the client closed the connection before the answer was complete';
      finish();
    });
    req.on('data', (chunk: Buffer) => requestTap.add(chunk));
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
      resolve({
        url: `http://${host}:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          }),
      });
    });
  });
}
