/**
 * How one request goes out and when it is sent again. Pure policy plus one fetch; no test knowledge.
 *
 * The suite sends through Node's fetch, not Playwright's request fixture: Playwright logs every call's headers and
 * its HTML report keeps the log of a failed call, so a connection reset put `authorization: Bearer …` into the
 * report's embedded data (measured with 1.65). Here nothing is logged that the suite did not redact itself.
 */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface NetworkFailure {
  /** What went wrong below HTTP: a timeout, a refused or reset connection. Never carries a header value. */
  network: string;
}

export const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Answers the target cannot have applied: 429 (rate limit) and 503 with Retry-After are refused before processing,
 * so they are sent again on any method. 502, 504, a 503 without Retry-After and network failures may come after
 * the target acted, so only idempotent methods are sent again.
 */
export function isTransient(outcome: RawResponse | NetworkFailure): boolean {
  if ('network' in outcome) return true;
  return [429, 502, 503, 504].includes(outcome.status);
}

export function mayRetry(method: string, outcome: RawResponse | NetworkFailure): boolean {
  if (!isTransient(outcome)) return false;
  if ('network' in outcome) return IDEMPOTENT.has(method);
  const notApplied = outcome.status === 429 || (outcome.status === 503 && outcome.headers['retry-after'] !== undefined);
  return notApplied || IDEMPOTENT.has(method);
}

/** Milliseconds to wait before attempt `attempt + 1`: Retry-After (seconds or a date) if given, else backoff. */
export function retryDelay(outcome: RawResponse | NetworkFailure, attempt: number, capMs: number, now = Date.now()): number {
  const header = 'network' in outcome ? undefined : outcome.headers['retry-after'];
  let ms: number | undefined;
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) ms = seconds * 1000;
    else if (!Number.isNaN(Date.parse(header))) ms = Math.max(0, Date.parse(header) - now);
  }
  ms ??= 200 * 2 ** (attempt - 1) + Math.floor(Math.random() * 100);
  return Math.min(ms, capMs);
}

export function describeOutcome(outcome: RawResponse | NetworkFailure): string {
  return 'network' in outcome ? outcome.network : `${outcome.status}${outcome.headers['retry-after'] !== undefined ? ` (Retry-After: ${outcome.headers['retry-after']})` : ''}`;
}

export async function fetchOnce(url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }, timeoutMs: number): Promise<RawResponse | NetworkFailure> {
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : new Uint8Array(init.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name] = value));
    return { status: res.status, headers, text };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { network: `no answer within ${timeoutMs} ms` };
    // Only the error code and the low-level message: neither holds a header or a body.
    const code = err.cause?.code ?? err.name;
    return { network: `network failure (${code}${err.cause?.message && !err.cause.message.includes(code) ? `: ${err.cause.message}` : ''})` };
  }
}
