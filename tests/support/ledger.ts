/**
 * The session ledger: a passive oracle over the exchanges a test (or a proxy in front of a storefront) makes anyway.
 * It learns which token belongs to which session, remembers the last context read for each session, and when a read
 * follows writes it checks their documented effect (issue 13, "What an accepted write may change"):
 *
 * - an accepted write changed exactly what it sent, as sent, and nothing else (version and modifiedAt as
 *   documented), by the rules of model/oracle.ts, the same the model and the property runs use;
 * - a refused write (4xx) changed nothing (SC-INPUT-03);
 * - with no write at all, nothing changed (SC-READ-01), and not through another session's write (SC-ISOLATION-01);
 * - a read of a session shows that session (SC-GET-01).
 *
 * It sends nothing: where the traffic does not show enough to decide, it concludes nothing and takes the next read
 * as it is. That is the case after anything that may re-derive fields the documents leave open (anonymous or
 * customer login, refresh, logout, cart creation, any other neighbour call that carries the session's token), after
 * writes on one session that overlapped in time, after a write whose answer says nothing (5xx, network), for a read
 * that answers 404 (a context may become visible late: BEHAVIOUR.md §3), and for a read inside
 * CONFORMANCE_PROPAGATION_MS of a write that still shows the state before it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from './api.js';
import { encodingOpen, type BodySpec, type MetadataSpec, type SiteValues, type SpecVersion, type VersionSpec } from './generators.js';
import { applied, differences, expectAttributePost, expectPatch, expectPut, isPlainObject, type Ctx, type Expectation } from './model/oracle.js';

export interface LedgerFinding {
  requirement: string;
  text: string;
  /** The read that shows the effect last; before it the read the ledger knew and the writes in between. */
  exchanges: Exchange[];
}

export interface LedgerOptions {
  specVersion: SpecVersion;
  /** How long a new context may stay invisible, and a write stay unseen by reads (CONFORMANCE_PROPAGATION_MS). */
  propagationMs: number;
  /** The target's own site values; without them any value is accepted as "either" (the ledger judges effects only). */
  siteValues?: SiteValues;
  /** The tenant the sessions belong to; an exchange on another tenant segment is not judged. Learnt from logins if unset. */
  tenant?: string;
}

type Kind = 'read' | 'patch' | 'put' | 'attr-post' | 'attr-delete' | 'other';

interface Operation {
  kind: Kind;
  route: 'own' | 'management';
  tenant: string;
  /** The path's session id (management). */
  sessionId?: string;
  /** The attribute name of a DELETE as the server should decode it; null when no single reading exists. */
  name?: string | null;
}

interface Write {
  x: Exchange;
  op: Operation;
  accepted: boolean;
  /** The oracle's expectation (PATCH, PUT, attribute POST). */
  e?: Expectation;
  /** The stored version the write was accepted against (PATCH, PUT: the version it carried). */
  pin?: number;
  /** Top-level fields and metadata keys present in the body, for naming the requirement a difference breaks. */
  sent: Set<string>;
}

interface Seen {
  write: boolean;
  startedAt?: number;
  endedAt?: number;
}

interface Session {
  id: string;
  tenant?: string;
  known?: Ctx;
  knownRead?: Exchange;
  writes: Write[];
  /** Something with an effect the traffic does not show happened: the next clean read is taken as it is. */
  unsure: boolean;
  /** Reads that started before this (epoch ms) may predate that effect. */
  adoptAfter: number;
  /** Until then (epoch ms) what a login, refresh or cart set may still be on its way (late visibility). */
  settleUntil?: number;
  /** The fields that neighbour may set: inside the bound, a read may show them changed with no write sending them. */
  settleFields?: Set<string>;
  /** Accepted writes to any session (the ledger's counter) when `known` was read: others' writes since blame isolation. */
  seqAtKnown: number;
  lastSeen: number;
  recent: Seen[];
}

/** What a login or refresh may derive or re-derive (BEHAVIOUR.md §6), and whether it bumps the version (open). */
const DERIVED = ['siteCode', 'currency', 'targetLocation', 'language', 'metadata.version', 'metadata.modifiedAt'];

const EMPTY_SITES: SiteValues = { siteCode: [], currency: [], targetLocation: [], language: [] };
const RECENT = 32;
/** Neighbour calls that read and change nothing of a session (sites, the customer profile, service tokens). */
const PURE_NEIGHBOURS: [string, RegExp][] = [
  ['GET', /^\/site\/[^/]+\/sites(\/[^/]+)?$/],
  ['GET', /^\/customer\/[^/]+\/me$/],
  ['POST', /^\/oauth\/token$/],
];

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}

function queryOf(url: string): URLSearchParams {
  try {
    return new URL(url).searchParams;
  } catch {
    return new URLSearchParams();
  }
}

function header(x: Exchange, name: string): string | undefined {
  const key = Object.keys(x.requestHeaders).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : x.requestHeaders[key];
}

function bearerOf(x: Exchange): string | undefined {
  const auth = header(x, 'authorization');
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1] : undefined;
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The Session Context operation an exchange is, or undefined for a neighbour's. */
export function operationOf(x: Pick<Exchange, 'method' | 'url'>): Operation | undefined {
  const s = pathOf(x.url).split('/');
  if (s[1] !== 'session-context' || s.length < 5) return undefined;
  const tenant = s[2];
  let route: Operation['route'];
  let rest: string[];
  let sessionId: string | undefined;
  if (s[3] === 'me' && s[4] === 'context') {
    route = 'own';
    rest = s.slice(5);
  } else if (s[3] === 'context' && s.length >= 5) {
    route = 'management';
    sessionId = decoded(s[4]) ?? s[4];
    rest = s.slice(5);
  } else return undefined;
  const m = x.method.toUpperCase();
  let kind: Kind = 'other';
  let name: string | null | undefined;
  if (rest.length === 0) kind = m === 'GET' ? 'read' : m === 'PATCH' && route === 'own' ? 'patch' : m === 'PUT' && route === 'management' ? 'put' : 'other';
  else if (rest.length === 1 && rest[0] === 'attributes' && m === 'POST') kind = 'attr-post';
  else if (rest.length === 2 && rest[0] === 'attributes' && m === 'DELETE') {
    kind = 'attr-delete';
    const n = decoded(rest[1]);
    // A name whose way through a path the documents leave open (BEHAVIOUR.md §1 is silent on encoding) has no single reading.
    name = n === null || encodingOpen(n) ? null : n;
  }
  return { kind, route, tenant, sessionId, name };
}

const isWriteKind = (k: Kind) => k !== 'read';

/** The bytes sent, as text. */
function sentText(x: Exchange): string | undefined {
  if (x.rawBody !== undefined) return x.rawBody;
  if (x.requestBody === undefined) return undefined;
  return typeof x.requestBody === 'string' ? x.requestBody : JSON.stringify(x.requestBody);
}

/** The JSON token written for metadata.version, as sent (so that `3.0` is told from `3`). */
function versionTokenOf(text: string): string | undefined {
  const m = /"metadata"\s*:\s*\{[^{}]*?"version"\s*:\s*(-?[0-9][0-9.eE+-]*)/.exec(text);
  return m?.[1];
}

/** What a PATCH or PUT carried as a version, relative to the versions the stored context may have. */
function versionSpecOf(value: unknown, token: string | undefined, candidates: number[]): { spec: VersionSpec; pin?: number } {
  if (typeof value === 'number') {
    const literal = token ?? String(value);
    if (/^-?\d+$/.test(literal)) {
      const n = Number(literal);
      return candidates.includes(n) && String(n) === literal ? { spec: { kind: 'current' }, pin: n } : { spec: { kind: 'delta', delta: 1 } };
    }
    // 3.0 or 3e0: the stored integer to many binders (the oracle leaves it open).
    return candidates.includes(value) ? { spec: { kind: 'raw', token: '{v}.0' }, pin: value } : { spec: { kind: 'raw', token: 'not-current' } };
  }
  if (typeof value === 'string' && candidates.some((c) => String(c) === value)) return { spec: { kind: 'string-of-current' }, pin: Number(value) };
  return { spec: { kind: 'json', value } };
}

/** The request as the oracle's BodySpec, and the keys it carried. */
function bodySpecOf(x: Exchange, candidates: number[]): { body: BodySpec; pin?: number; sent: Set<string> } {
  const text = sentText(x) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { body: { kind: 'text', text }, sent: new Set() };
  }
  if (!isPlainObject(parsed)) return { body: { kind: 'json', value: parsed }, sent: new Set() };
  const fields: [string, unknown][] = Object.entries(parsed).filter(([k]) => k !== 'metadata');
  const sent = new Set(fields.map(([k]) => k));
  let metadata: MetadataSpec = { kind: 'absent' };
  let pin: number | undefined;
  if (Object.hasOwn(parsed, 'metadata')) {
    const m = parsed.metadata;
    if (!isPlainObject(m)) metadata = { kind: 'value', key: 'metadata', value: m };
    else {
      for (const k of Object.keys(m)) sent.add(`metadata.${k}`);
      const extra = Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'version'));
      if (!Object.hasOwn(m, 'version')) metadata = { kind: 'object', key: 'metadata', version: { kind: 'absent' }, extra };
      else {
        const v = versionSpecOf(m.version, versionTokenOf(text), candidates);
        pin = v.pin;
        metadata = { kind: 'object', key: 'metadata', version: v.spec, extra };
      }
    }
  }
  return { body: { kind: 'object', fields, metadata }, pin, sent };
}

function contentTypeOf(x: Exchange): string {
  return (header(x, 'content-type') ?? '').trim();
}

// ------------------------------------------------------------------ folding writes into the context they should leave

interface Folded {
  ctx: Ctx;
  free: Set<string>;
  versions: number[];
  createdAt: 'same' | 'free';
  modifiedAt: 'same' | 'forward' | 'free';
}

function mapOf(ctx: Ctx | undefined): Record<string, unknown> {
  return isPlainObject(ctx?.context) ? (ctx!.context as Record<string, unknown>) : {};
}

function fold(known: Ctx, writes: Write[]): Folded {
  let ctx: Ctx = structuredClone(known);
  const free = new Set<string>();
  let versions = [Number(known.metadata?.version)];
  let createdAt: Folded['createdAt'] = 'same';
  let patches = 0;
  let others = 0;
  for (const w of writes) {
    if (!w.accepted) continue;
    let deltas = [0, 1];
    if (w.op.kind === 'attr-delete') {
      if (w.op.name === null || w.op.name === undefined) free.add('context');
      else {
        const map = { ...mapOf(ctx) };
        delete map[w.op.name];
        ctx = { ...ctx, context: map };
      }
      others++;
    } else if (w.e) {
      ctx = applied(ctx, w.e);
      for (const f of w.e.free) free.add(f);
      deltas = w.e.versionDeltas;
      if (!w.e.keepsCreatedAt) createdAt = 'free';
      if (w.op.kind === 'patch') patches++;
      else others++;
    }
    const from = w.pin !== undefined ? [w.pin] : versions;
    versions = [...new Set(from.flatMap((v) => deltas.map((d) => v + d)))];
  }
  // PATCH moves modifiedAt forward (SC-VERSION-08); what other writes do with it is not documented.
  const modifiedAt = others ? 'free' : patches ? 'forward' : 'same';
  return { ctx, free, versions, createdAt, modifiedAt };
}

/**
 * A field sent with a value of the wrong type (not null) and answered 2xx may be coerced or stored, but not dropped
 * without a word (the oracle's mustChange). Decidable only where one accepted write carried it.
 */
function silentDrops(actual: Ctx, known: Ctx, writes: Write[]): string[] {
  const accepted = writes.filter((w) => w.accepted);
  if (accepted.length !== 1 || !accepted[0].e) return [];
  const w = accepted[0];
  return [...w.e!.mustChange]
    .filter((f) => isDeepStrictEqual(actual[f], known[f]))
    .map((f) => `${f} was sent with a value of the wrong type, answered ${w.x.status}, and kept ${JSON.stringify(known[f]) ?? 'nothing'}: silently dropped`);
}

function judge(actual: Ctx, known: Ctx, writes: Write[]): string[] {
  const f = fold(known, writes);
  return [
    ...differences(actual, f.ctx, { free: f.free, versions: f.versions, createdAt: f.createdAt, modifiedAt: f.modifiedAt, before: known }),
    ...silentDrops(actual, known, writes),
  ];
}

// ------------------------------------------------------------------ which requirement a difference breaks

const WHITELIST_IDS: Record<string, string> = {
  siteCode: 'SC-PATCH-WHITELIST-01',
  currency: 'SC-PATCH-WHITELIST-02',
  targetLocation: 'SC-PATCH-WHITELIST-03',
  context: 'SC-PATCH-WHITELIST-04',
  language: 'SC-PATCH-WHITELIST-05',
};
const IGNORED_IDS: Record<string, string> = {
  sessionId: 'SC-PATCH-IGNORED-01',
  customerId: 'SC-PATCH-IGNORED-02',
  cartId: 'SC-PATCH-IGNORED-03',
  'metadata.createdAt': 'SC-PATCH-IGNORED-04',
  'metadata.modifiedAt': 'SC-PATCH-IGNORED-05',
};

/** The requirement a wrong `field` after `w` breaks; `named`: the difference is in what the write addressed. */
function requirementOf(w: Write, field: string, named: boolean, spec: SpecVersion): string {
  const own = w.op.route === 'own';
  switch (w.op.kind) {
    case 'patch':
      if (field === 'metadata.version') return 'SC-VERSION-07';
      if (field === 'metadata.createdAt' || field === 'metadata.modifiedAt') return w.sent.has(field) ? IGNORED_IDS[field] : 'SC-VERSION-08';
      if (named && w.e && (Object.hasOwn(w.e.set, field) || w.e.mustChange.has(field))) return WHITELIST_IDS[field] ?? 'SC-PATCH-02';
      if (w.sent.has(field)) return IGNORED_IDS[field] ?? (field === 'language' && spec === '2022-11' ? 'SC-PATCH-IGNORED-07' : 'SC-PATCH-IGNORED-06');
      return 'SC-PATCH-02';
    case 'put':
      return field === 'metadata.version' ? 'SC-MGMT-PUT-02' : 'SC-MGMT-PUT-01';
    case 'attr-post':
      // Whether attribute writes raise the version is open (SC-ATTR-07); by more than one is against what clients rely on.
      if (field === 'metadata.version') return 'SC-VERSION-07';
      if (named) return own ? 'SC-ATTR-02' : 'SC-MGMT-ATTR-01';
      return 'SC-ATTR-08';
    case 'attr-delete':
      if (field === 'metadata.version') return 'SC-VERSION-07';
      if (named) return own ? 'SC-ATTR-03' : 'SC-MGMT-ATTR-02';
      return 'SC-ATTR-08';
    default:
      return 'SC-INPUT-03';
  }
}

/** Attribute names a write addresses; undefined: the whole map. */
function namesOf(w: Write): Set<string> | undefined {
  if (w.op.kind === 'attr-delete') return w.op.name ? new Set([w.op.name]) : undefined;
  if (w.e && Object.hasOwn(w.e.set, 'context')) return undefined;
  return new Set(w.e ? Object.keys(w.e.setAttributes) : []);
}

function changedNames(actual: Ctx, expected: Ctx): string[] {
  const a = mapOf(actual);
  const e = mapOf(expected);
  return [...new Set([...Object.keys(a), ...Object.keys(e)])].filter((k) => Object.hasOwn(a, k) !== Object.hasOwn(e, k) || !isDeepStrictEqual(a[k], e[k]));
}

function describeWrite(w: Write): string {
  const path = pathOf(w.x.url).replace(/^\/session-context\/[^/]+/, '');
  const body = sentText(w.x);
  const shown = body === undefined ? '' : ` ${body.length > 160 ? `${body.slice(0, 150)}… (${body.length} characters)` : body}`;
  return `${w.x.method} ${path}${shown} → ${w.x.status}`;
}

// ------------------------------------------------------------------ the ledger

export class SessionLedger {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, string>();
  private readonly refreshTokens = new Map<string, string>();
  /** Exchanges begun and not yet observed (Api.send announces them): a read in flight beside a write is not judged. */
  private readonly inflight = new Map<object, string | undefined>();
  private writeSeq = 0;
  private tenant?: string;
  /** What it judged: reads compared with what it knew, and the writes those reads judged; reads taken as they were. */
  readonly stats = { judgedReads: 0, judgedWrites: 0, adoptedReads: 0, findings: 0 };

  constructor(private readonly opts: LedgerOptions) {
    this.tenant = opts.tenant;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Optional: announces an exchange as it is sent (the same object is later passed to observe). Without it the ledger
   * sees overlap only through startedAt/endedAt of exchanges already observed.
   */
  begin(x: Pick<Exchange, 'method' | 'url' | 'requestHeaders'>): void {
    const op = operationOf(x);
    if (!op || !isWriteKind(op.kind)) return;
    this.inflight.set(x, op.route === 'management' ? op.sessionId : this.tokens.get(bearerOf(x as Exchange) ?? ''));
  }

  expire(idleMs: number, now = Date.now()): void {
    for (const [id, s] of this.sessions) if (now - s.lastSeen > idleMs) this.sessions.delete(id);
    for (const map of [this.tokens, this.refreshTokens]) for (const [t, id] of map) if (!this.sessions.has(id)) map.delete(t);
  }

  observe(x: Exchange): LedgerFinding[] {
    this.inflight.delete(x);
    const op = operationOf(x);
    if (!op) {
      this.neighbour(x);
      return [];
    }
    const now = x.endedAt ?? Date.now();
    const accepted = x.status >= 200 && x.status < 300;
    const token = bearerOf(x);
    let id = op.route === 'management' ? op.sessionId : token === undefined ? undefined : this.tokens.get(token);
    const body = isPlainObject(x.json) ? (x.json as Ctx) : undefined;
    const findings: LedgerFinding[] = [];
    if (op.kind === 'read' && x.status === 200 && body && typeof body.sessionId === 'string') {
      if (id === undefined && token !== undefined && op.route === 'own') {
        // A token the ledger did not see handed out: the answer says whose it is.
        id = body.sessionId;
        this.tokens.set(token, id);
      } else if (id !== undefined && body.sessionId !== id) {
        const requirement = op.route === 'own' ? 'SC-GET-01' : 'SC-ISOLATION-01';
        findings.push({ requirement, text: `${x.method} ${op.route === 'own' ? 'of the own context' : `of session ${id}`} answered the context of session ${body.sessionId}`, exchanges: [x] });
        return findings;
      }
    }
    if (id === undefined) {
      // An accepted write the ledger cannot place may have changed any session.
      if (isWriteKind(op.kind) && !(x.status >= 400 && x.status < 500)) for (const s of this.sessions.values()) this.unsure(s, now);
      return findings;
    }
    const s = this.session(id);
    s.lastSeen = now;
    const home = this.tenant ?? s.tenant;
    const seen: Seen = { write: isWriteKind(op.kind), startedAt: x.startedAt, endedAt: x.endedAt };
    const overlapsWrite =
      [...this.inflight.values()].includes(id) || s.recent.some((r) => r.write && r.endedAt !== undefined && x.startedAt !== undefined && r.endedAt > x.startedAt);
    s.recent.push(seen);
    if (s.recent.length > RECENT) s.recent.shift();

    if (home !== undefined && op.tenant !== home) {
      // Another spelling of the tenant (uppercase is left open, SC-TENANT-04): not judged; an accepted write there may have landed.
      if (isWriteKind(op.kind) && !(x.status >= 400 && x.status < 500)) this.unsure(s, now);
      return findings;
    }

    if (op.kind === 'read') {
      if (x.status !== 200 || !body) return findings;
      if (overlapsWrite) return findings;
      if ((s.unsure && (x.startedAt === undefined || x.startedAt >= s.adoptAfter)) || (!s.unsure && !s.known)) {
        this.stats.adoptedReads++;
        this.adopt(s, body, x);
        return findings;
      }
      if (s.unsure || !s.known) return findings;
      const problems = judge(body, s.known, s.writes);
      if (problems.length && this.stillPropagating(s, body, x)) return findings;
      if (problems.length && this.stillSettling(s, body, x, now)) {
        this.adopt(s, body, x);
        return findings;
      }
      this.stats.judgedReads++;
      this.stats.judgedWrites += s.writes.length;
      if (problems.length) findings.push(...this.blame(s, body, x));
      this.stats.findings += findings.length;
      this.adopt(s, body, x);
      return findings;
    }

    // A write. One sent more than once (a retry after a gateway error or a reset connection) may have taken effect on
    // an earlier attempt: its last answer (a stale-version refusal, say) does not say what it did.
    const resent = (x.attempts ?? 1) > 1;
    // Any write that may have changed something counts for the isolation check of the other sessions.
    if (!(x.status >= 400 && x.status < 500) || resent) this.writeSeq++;
    if (resent || !(x.status >= 200 && x.status < 500) || (x.status >= 300 && x.status < 400) || (op.kind === 'other' && accepted)) {
      this.unsure(s, now);
      return findings;
    }
    if (overlapsWrite) {
      // Writes on one session at the same time: which order they took is not shown; the next read after them is taken.
      this.unsure(s, now);
      return findings;
    }
    if (op.kind === 'other') return findings;
    if (!accepted) {
      if (!s.unsure && s.known) s.writes.push({ x, op, accepted: false, sent: new Set() });
      return findings;
    }
    if (s.unsure || !s.known) {
      // Nothing known to compare against; a later read is taken as it is.
      this.unsure(s, now);
      return findings;
    }
    const candidates = fold(s.known, s.writes).versions;
    const { body: spec, pin, sent } = bodySpecOf(x, candidates);
    const ct = contentTypeOf(x);
    const sites = this.opts.siteValues ?? EMPTY_SITES;
    let e: Expectation;
    if (op.kind === 'patch') e = expectPatch(spec, ct, this.opts.specVersion, sites);
    else if (op.kind === 'put') e = expectPut(spec, ct, this.opts.specVersion, sites, { customer: false, saasToken: true });
    else if (op.kind === 'attr-post') e = expectAttributePost(spec, ct, op.route === 'own');
    else {
      s.writes.push({ x, op, accepted: true, sent });
      return findings;
    }
    if (e.outcome === 'reject') {
      // Accepted though the documents say refuse (a stale version, say): the tests that send it judge the answer; the effect is not known.
      this.unsure(s, now);
      return findings;
    }
    s.writes.push({ x, op, accepted: true, e, pin: op.kind === 'attr-post' ? undefined : pin, sent });
    return findings;
  }

  // ------------------------------------------------------------------ internals

  private session(id: string): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, writes: [], unsure: false, adoptAfter: 0, seqAtKnown: this.writeSeq, lastSeen: Date.now(), recent: [] };
      this.sessions.set(id, s);
    }
    return s;
  }

  /**
   * A neighbour (login, refresh, cart, logout) changed what the traffic does not show, and may show it late: a cart
   * service may set cartId by an event, a login derive its fields a moment after it answered (BEHAVIOUR.md §3, §6).
   */
  private settle(s: Session, after: number, fields: readonly string[]): void {
    this.unsure(s, after);
    const open = s.settleUntil !== undefined && s.settleUntil > after;
    s.settleUntil = Math.max(s.settleUntil ?? 0, after + this.opts.propagationMs);
    s.settleFields = new Set([...(open ? (s.settleFields ?? []) : []), ...fields]);
  }

  /**
   * Inside a neighbour's bound, a read whose only differences are in the fields that neighbour may set (and that no
   * write since sent) shows the neighbour's effect arriving, not a wrong write.
   */
  private stillSettling(s: Session, body: Ctx, x: Exchange, now: number): boolean {
    if (!s.known || !s.settleFields || s.settleUntil === undefined || (x.startedAt ?? now) >= s.settleUntil) return false;
    const sent = new Set(s.writes.flatMap((w) => [...w.sent]));
    const free = [...s.settleFields].filter((f) => !sent.has(f));
    const known = structuredClone(s.known);
    for (const f of free) {
      if (f.startsWith('metadata.')) continue;
      if (Object.hasOwn(body, f)) known[f] = structuredClone(body[f]);
      else delete known[f];
    }
    const metadataFree = free.some((f) => f.startsWith('metadata.'));
    return judge(body, known, s.writes).every((line) => metadataFree && line.startsWith('metadata.'));
  }

  private unsure(s: Session, after: number): void {
    s.lastSeen = Math.max(s.lastSeen, after);
    s.adoptAfter = Math.max(s.unsure ? s.adoptAfter : 0, after);
    s.unsure = true;
    s.known = undefined;
    s.knownRead = undefined;
    s.writes = [];
  }

  private adopt(s: Session, body: Ctx, x: Exchange): void {
    s.known = structuredClone(body);
    s.knownRead = x;
    s.writes = [];
    s.unsure = false;
    s.seqAtKnown = this.writeSeq;
  }

  /** A read inside the propagation bound that shows the state before some of the writes: not yet visible, not wrong. */
  private stillPropagating(s: Session, body: Ctx, x: Exchange): boolean {
    if (this.opts.propagationMs <= 0 || !s.known) return false;
    const lastAccepted = s.writes.filter((w) => w.accepted).at(-1);
    const end = lastAccepted?.x.endedAt;
    if (end === undefined || (x.startedAt ?? Date.now()) - end > this.opts.propagationMs) return false;
    for (let k = s.writes.length - 1; k >= 0; k--) if (judge(body, s.known, s.writes.slice(0, k)).length === 0) return true;
    return false;
  }

  private blame(s: Session, actual: Ctx, read: Exchange): LedgerFinding[] {
    const known = s.known!;
    const f = fold(known, s.writes);
    const lines = [
      ...differences(actual, f.ctx, { free: f.free, versions: f.versions, createdAt: f.createdAt, modifiedAt: f.modifiedAt, before: known }),
      ...silentDrops(actual, known, s.writes),
    ];
    const accepted = s.writes.filter((w) => w.accepted);
    const last = accepted.at(-1);
    const others = this.writeSeq - s.seqAtKnown > accepted.length;
    const byReq = new Map<string, string[]>();
    const add = (id: string, line: string) => byReq.set(id, [...(byReq.get(id) ?? []), line]);
    for (const line of lines) {
      const field = line.split(' ')[0];
      if (!last) {
        // Only refused writes, or none: nothing may have changed.
        add(s.writes.length ? 'SC-INPUT-03' : others ? 'SC-ISOLATION-01' : 'SC-READ-01', line);
        continue;
      }
      if (field !== 'context') {
        add(requirementOf(last, field, namedField(last, field), this.opts.specVersion), line);
        continue;
      }
      const names = namesOf(last);
      const changed = changedNames(actual, f.ctx);
      const inside = names === undefined ? changed : changed.filter((n) => names.has(n));
      const outside = names === undefined ? [] : changed.filter((n) => !names.has(n));
      if (inside.length) add(requirementOf(last, 'context', true, this.opts.specVersion), `${line} (attribute${inside.length > 1 ? 's' : ''} ${inside.map((n) => JSON.stringify(n)).join(', ')}, written)`);
      if (outside.length) add(requirementOf(last, 'context', false, this.opts.specVersion), `${line} (attribute${outside.length > 1 ? 's' : ''} ${outside.map((n) => JSON.stringify(n)).join(', ')}, not written)`);
    }
    const exchanges = [...(s.knownRead ? [s.knownRead] : []), ...s.writes.map((w) => w.x), read];
    const story = s.writes.length
      ? `after ${s.writes.map(describeWrite).join(', then ')}, the next read shows`
      : others
        ? 'with no write to this session since it was last read (but writes to another), the next read shows'
        : 'with no write since it was last read, the next read shows';
    return [...byReq].map(([requirement, ls]) => ({ requirement, text: `${story}: ${ls.join('; ')}`, exchanges }));
  }

  /** Logins, refreshes, carts and other neighbours: which token is whose, and what may have re-derived open fields. */
  private neighbour(x: Exchange): void {
    const path = pathOf(x.url);
    const method = x.method.toUpperCase();
    const now = x.endedAt ?? Date.now();
    const json = isPlainObject(x.json) ? (x.json as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === 'string' && v.length ? v : undefined);
    const q = queryOf(x.url);
    const mapTokens = (id: string) => {
      for (const k of ['access_token', 'accessToken', 'saas_token', 'saasToken']) if (str(json[k])) this.tokens.set(json[k] as string, id);
      for (const k of ['refresh_token', 'refreshToken']) if (str(json[k])) this.refreshTokens.set(json[k] as string, id);
    };
    if (/^\/customerlogin\/auth\/anonymous\/login$/.test(path)) {
      const id = str(json.sessionId) ?? str(json.session_id);
      if (x.status !== 200 || !id) return;
      this.tenant ??= q.get('tenant') ?? q.get('hybris-tenant') ?? undefined;
      const s = this.session(id);
      s.tenant ??= q.get('tenant') ?? q.get('hybris-tenant') ?? undefined;
      // A context may be made at login with derived values (BEHAVIOUR.md §3): the first read is taken as it is.
      this.settle(s, now, DERIVED);
      mapTokens(id);
      return;
    }
    if (/^\/customerlogin\/auth\/anonymous\/refresh$/.test(path)) {
      const old = q.get('refresh_token') ?? undefined;
      const id = str(json.sessionId) ?? str(json.session_id) ?? (old ? this.refreshTokens.get(old) : undefined);
      if (id) {
        // What a refresh updates beyond the session id and the context it keeps is not documented (SC-LIFE-09).
        this.settle(this.session(id), now, DERIVED);
        if (x.status === 200) mapTokens(id);
      }
      return;
    }
    const bearer = bearerOf(x);
    const own = bearer === undefined ? undefined : this.tokens.get(bearer);
    if (method === 'POST' && /^\/customer\/[^/]+\/login$/.test(path)) {
      const id = str(json.session_id) ?? str(json.sessionId) ?? own;
      // What login re-derives is open (BEHAVIOUR.md §6, SC-LIFE-06).
      for (const sid of [own, id]) if (sid) this.settle(this.session(sid), now, [...DERIVED, 'customerId']);
      if (id && x.status === 200) mapTokens(id);
      return;
    }
    if (PURE_NEIGHBOURS.some(([m, re]) => m === method && re.test(path))) return;
    // Anything else that carries the session (cart creation sets cartId, logout, a cart read with create=true, a
    // customer token refresh) may change its context in ways the documents leave open.
    const sessionHeader = header(x, 'session-id');
    for (const sid of [own, sessionHeader]) if (sid) this.settle(this.session(sid), now, [...DERIVED, 'customerId', 'cartId']);
    if (own && x.status === 200) mapTokens(own);
  }
}

/** Whether a top-level field difference concerns what the write sent. */
function namedField(w: Write, field: string): boolean {
  if (field.startsWith('metadata.')) return false;
  if (w.op.kind === 'attr-post' || w.op.kind === 'attr-delete') return false;
  return w.e ? Object.hasOwn(w.e.set, field) || w.e.mustChange.has(field) : false;
}
