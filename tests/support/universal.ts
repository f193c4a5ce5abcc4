/**
 * Checks that hold for every answer any documented implementation gives (SC-HTTP-01..05), run on every exchange of
 * every test. Pure: an exchange in, the violated requirements out.
 */
import type { Exchange } from './api.js';
import { formatErrors, sessionContextSchema, validator, type SchemaName } from './schemas.js';
import type { SpecVersion } from './target.js';

export interface Violation {
  requirement: 'SC-HTTP-01' | 'SC-HTTP-02' | 'SC-HTTP-03' | 'SC-HTTP-04' | 'SC-HTTP-05';
  text: string;
}

const SESSION_CONTEXT = /^\/session-context\/[^/]+\/(me\/context|context\/[^/]+)(\/attributes(\/[^/]+)?)?$/;

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export function isSessionContextOperation(x: Pick<Exchange, 'url'>): boolean {
  return SESSION_CONTEXT.test(pathOf(x.url));
}

/** The session-context parameters of anonymous login, documented since 2026-04-21 (customer-management.yaml). */
const LOGIN_CONTEXT_PARAMETERS = ['currency', 'siteCode', 'language', 'targetLocation'];

/**
 * An anonymous login that carries session-context parameters (spec 2026-04): the call that creates a context from
 * them (BEHAVIOUR.md §3, "set directly in the session context upon creation"). Its 5xx is a deviation of that
 * feature, not noise of a neighbour. A plain anonymous login stays a neighbour.
 */
export function isContextCreatingLogin(x: Pick<Exchange, 'url' | 'method'>, specVersion: SpecVersion): boolean {
  if (specVersion !== '2026-04' || x.method !== 'GET') return false;
  try {
    const url = new URL(x.url);
    return url.pathname.endsWith('/customerlogin/auth/anonymous/login') && LOGIN_CONTEXT_PARAMETERS.some((p) => url.searchParams.has(p));
  } catch {
    return false;
  }
}

export function isJsonContentType(value: string | undefined): boolean {
  return !!value && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(value.trim());
}

/** The schema a 2xx answer of a Session Context operation must match, if it has one. */
function successSchema(x: Exchange, specVersion: SpecVersion): SchemaName | undefined {
  const path = pathOf(x.url);
  if (x.method === 'GET' && /\/(me\/context|context\/[^/]+)$/.test(path)) return sessionContextSchema(specVersion);
  if (x.method === 'POST' && /\/me\/context\/attributes$/.test(path) && x.status === 201) return 'AttributeCreated';
  return undefined;
}

export function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * Answers 502/503/504 that persisted after retries say nothing about conformance and are not judged here: the
 * client makes the test inconclusive instead.
 */
export function checkExchange(x: Exchange, specVersion: SpecVersion): Violation[] {
  const out: Violation[] = [];
  const contentType = x.responseHeaders['content-type'];
  // Neighbouring services (tokens, sites, carts) are the stage, not the subject: their odd answers make a test
  // inconclusive in the client instead.
  if (isContextCreatingLogin(x, specVersion)) {
    // Only the 5xx rule: the login's other answers belong to the Customer Service, which SC-HTTP-02..05 do not judge.
    if (x.status >= 500 && ![502, 503, 504].includes(x.status)) out.push({ requirement: 'SC-HTTP-01', text: `anonymous login with session-context parameters answered ${x.status}: the call that creates the context from them failed` });
    return out;
  }
  if (!isSessionContextOperation(x)) return out;
  if (x.status >= 500 && ![502, 503, 504].includes(x.status)) {
    out.push({ requirement: 'SC-HTTP-01', text: `${x.method} answered ${x.status}` });
  }
  if (x.status === 204 || x.status === 205) {
    if (x.text.length > 0) out.push({ requirement: 'SC-HTTP-05', text: `a ${x.status} carries a body of ${x.text.length} characters` });
    return out;
  }
  if (x.text.trim().length > 0 && !isJsonContentType(contentType)) {
    const trimmed = x.text.trim();
    // A JSON object or array under another content type; a Session Context answer must be JSON wherever the spec says so.
    if ((/^[[{]/.test(trimmed) && parsesAsJson(trimmed)) || successSchema(x, specVersion)) {
      out.push({ requirement: 'SC-HTTP-02', text: `expected JSON, got ${contentType ?? 'no content type'}: ${preview(x.text)}` });
      return out;
    }
  }
  if (x.status >= 200 && x.status < 300) {
    const schema = successSchema(x, specVersion);
    if (schema) {
      const validate = validator(schema);
      if (x.json === undefined) out.push({ requirement: 'SC-HTTP-03', text: `expected a ${schema} body, got ${x.text ? `text: ${preview(x.text)}` : 'an empty body'}` });
      else if (!validate(x.json)) out.push({ requirement: 'SC-HTTP-03', text: `the body does not match ${schema}:\n${formatErrors(validate.errors)}` });
    }
  } else if ((x.status === 404 || x.status === 401) && x.json !== undefined) {
    // Only these error bodies are documented: 404_session (an ErrorMessage with the sessionId) and the gateway's
    // fault for a rejected token (BEHAVIOUR.md §4). A 400, 403 or 409 body is nowhere described, so not judged.
    const schemas: SchemaName[] = x.status === 404 ? ['NotFound', 'GatewayFault'] : ['GatewayFault', 'ErrorMessage'];
    if (!schemas.some((s) => validator(s)(x.json))) {
      const errors = schemas.map((s) => {
        const v = validator(s);
        v(x.json);
        return `${s}:\n${formatErrors(v.errors)}`;
      });
      out.push({ requirement: 'SC-HTTP-04', text: `a ${x.status} body matches none of ${schemas.join(', ')}\n${errors.join('\n')}` });
    }
  }
  return out;
}
