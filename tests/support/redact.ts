/**
 * Keeps secrets out of every failure message and attachment: header values, token-bearing query parameters
 * and body fields are masked by name, and every secret value the suite has seen is masked wherever it appears.
 */
const SECRET_HEADERS = new Set(['authorization', 'saas-token', 'cookie', 'set-cookie']);
const SECRET_KEYS = new Set([
  'access_token',
  'refresh_token',
  'saas_token',
  'accessToken',
  'refreshToken',
  'saasToken',
  'anonymous_token',
  'client_secret',
  'password',
]);
const MASK = '***';

const knownSecrets = new Set<string>();

/** Registers a value that must never be printed (tokens received, passwords and secrets configured). */
export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 6) knownSecrets.add(value);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(MASK);
  return out;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = redactText(value);
    else out[name] = /^bearer\s/i.test(value) ? `Bearer ${MASK}` : MASK;
  }
  return out;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (SECRET_KEYS.has(key)) u.searchParams.set(key, MASK);
    }
    return redactText(u.toString());
  } catch {
    return redactText(url);
  }
}

export function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? MASK : redactValue(v);
    return out;
  }
  return typeof value === 'string' ? redactText(value) : value;
}
