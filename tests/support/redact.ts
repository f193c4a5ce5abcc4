/**
 * Keeps secrets out of everything a run writes. Header values, token-bearing query parameters and body fields are
 * masked by name; every secret value the suite has seen (tokens received, passwords and client secrets configured)
 * is masked wherever it appears, whatever field or message carries it.
 */
const SECRET_HEADERS = new Set(['authorization', 'saas-token', 'cookie', 'set-cookie', 'proxy-authorization']);
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
export const MASK = '***';

/** Every secret value seen in this worker, longest first when masking, so a token inside another is masked whole. */
const knownSecrets = new Set<string>();
let ordered: string[] | undefined;

/** Registers a value that must never be printed (tokens received, passwords and secrets configured). */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < 6 || knownSecrets.has(value)) return;
  knownSecrets.add(value);
  // Whatever a transport or a message escapes, the escaped spelling must be masked too.
  for (const variant of [encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]) {
    if (variant !== value) knownSecrets.add(variant);
  }
  ordered = undefined;
}

export function isSecretName(name: string): boolean {
  return SECRET_KEYS.has(name) || SECRET_HEADERS.has(name.toLowerCase());
}

export function secrets(): readonly string[] {
  ordered ??= [...knownSecrets].sort((a, b) => b.length - a.length);
  return ordered;
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of secrets()) if (out.includes(secret)) out = out.split(secret).join(MASK);
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
    u.username = '';
    u.password = '';
    return redactText(u.toString()).replaceAll(encodeURIComponent(MASK), MASK);
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
