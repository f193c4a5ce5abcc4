/**
 * Writes sent together (SC-CONC-01, SC-VERSION-09): the one thing about concurrent writes that traffic alone decides,
 * and the ledger leaves alone (it concludes nothing where writes on a session overlap). Of writes to one session
 * that overlap in time and carry the same integer metadata.version, at most one may be accepted: a second 2xx means
 * either the version check and the write were not one step, or the first did not raise the version. Which of them
 * was the current version the traffic does not say, so "exactly one" is not required, only "not two".
 */
import type { TimedExchange } from './server.js';
import { routeOf } from './routes.js';
import { isPlainObject } from '../tests/support/model/oracle.js';

interface Versioned {
  x: TimedExchange;
  version: number;
  own: boolean;
}

export interface ConcurrencyFinding {
  requirement: 'SC-CONC-01' | 'SC-VERSION-09';
  text: string;
  exchanges: TimedExchange[];
}

const KEEP = 16;
/** Longer than any request takes. */
const WINDOW_MS = 60_000;

export class ConcurrencyJudge {
  /** Accepted versioned writes, per session key, most recent last. */
  private readonly sessions = new Map<string, { lastSeen: number; writes: Versioned[] }>();
  /** Overlapping versioned writes seen on one session: the requirement was put to the test this often. */
  overlaps = 0;

  expire(idleMs: number, now = Date.now()): void {
    for (const [k, s] of this.sessions) if (now - s.lastSeen > Math.min(idleMs, WINDOW_MS)) this.sessions.delete(k);
  }

  observe(x: TimedExchange): ConcurrencyFinding[] {
    const route = routeOf(x.method, x.url);
    if (route.kind !== 'own-patch' && route.kind !== 'mgmt-put') return [];
    const body = x.requestBody;
    const version = isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata.version : undefined;
    if (!Number.isInteger(version)) return [];
    // The session: the path's id, or the bearer token (the proxy may not have seen the login that names it).
    const bearer = /^bearer\s+(\S+)/i.exec(x.requestHeaders.authorization ?? '')?.[1];
    const key = route.sessionId !== undefined ? `${route.tenant}/${route.sessionId}` : bearer ? `token:${bearer}` : undefined;
    if (!key) return [];
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = { lastSeen: x.endedAt, writes: [] }));
    s.lastSeen = x.endedAt;
    const overlapping = s.writes.filter((w) => w.x.startedAt < x.endedAt && x.startedAt < w.x.endedAt && w.version === version);
    if (overlapping.length || s.writes.some((w) => w.x.startedAt < x.endedAt && x.startedAt < w.x.endedAt)) this.overlaps++;
    const accepted = x.status >= 200 && x.status < 300;
    const findings: ConcurrencyFinding[] = [];
    if (accepted) {
      const twice = overlapping.filter((w) => w.x.status >= 200 && w.x.status < 300);
      if (twice.length) {
        const own = route.kind === 'own-patch' && twice.every((w) => w.own);
        const text = `${twice.length + 1} writes sent together to one session, each carrying metadata.version ${version}, were all accepted (${[...twice.map((w) => w.x), x].map((w) => `${w.method} → ${w.status}`).join(', ')}): at most one can have carried the current version`;
        findings.push({ requirement: 'SC-CONC-01', text, exchanges: [...twice.map((w) => w.x), x] });
        if (own) findings.push({ requirement: 'SC-VERSION-09', text, exchanges: [...twice.map((w) => w.x), x] });
      }
    }
    s.writes.push({ x, version: version as number, own: route.kind === 'own-patch' });
    // A write can only overlap one that ended less than WINDOW before it: older ones are let go (bounded memory).
    s.writes = s.writes.filter((w) => w.x.endedAt > x.endedAt - WINDOW_MS).slice(-KEEP);
    return findings;
  }
}
