/**
 * A failed test's exchanges as a bash script of curl commands. Secrets never appear: configured values become the
 * variables of .env ($EMPORIX_CLIENT_SECRET …), and every value an earlier answer handed out (tokens, session and
 * cart ids) is captured from that answer into a variable when the script runs, so the replay obtains its own.
 * Pasted into a shell with the .env variables set, it replays the test up to the exchange that failed.
 */
import type { Exchange } from './api.js';
import { redactText, secrets } from './redact.js';
import type { TargetConfig } from './target.js';

interface Binding {
  value: string;
  expr: string;
}

/** A bash double-quoted word with variable parts: literal text escaped, `${VAR}` parts kept. */
function word(parts: (string | { variable: string })[]): string {
  return `"${parts.map((p) => (typeof p === 'string' ? p.replace(/[\\"$`]/g, (c) => `\\${c}`) : `\${${p.variable}}`)).join('')}"`;
}

/** Splits `text` on every bound value (longest first), so each occurrence becomes its variable. */
function substitute(text: string, bindings: Binding[]): (string | { variable: string })[] {
  let parts: (string | { variable: string })[] = [text];
  for (const b of [...bindings].sort((x, y) => y.value.length - x.value.length)) {
    parts = parts.flatMap((p) => {
      if (typeof p !== 'string' || !p.includes(b.value)) return [p];
      const pieces = p.split(b.value);
      return pieces.flatMap((piece, i) => (i === 0 ? [piece] : [{ variable: b.expr }, piece]));
    });
  }
  return parts.filter((p) => p !== '');
}

function configured(target: TargetConfig): Binding[] {
  const out: Binding[] = [];
  const add = (value: string | undefined, expr: string) => {
    if (value && value.length >= 3) out.push({ value, expr });
  };
  add(target.baseURL.replace(/\/$/, ''), 'EMPORIX_API_URL');
  add(target.storefrontClientId, 'EMPORIX_STOREFRONT_CLIENT_ID');
  add(target.service?.clientId, 'EMPORIX_CLIENT_ID');
  add(target.service?.clientSecret, 'EMPORIX_CLIENT_SECRET');
  add(target.limitedService?.clientId, 'EMPORIX_LIMITED_CLIENT_ID');
  add(target.limitedService?.clientSecret, 'EMPORIX_LIMITED_CLIENT_SECRET');
  add(target.customer?.email, 'EMPORIX_CUSTOMER_EMAIL');
  add(target.customer?.password, 'EMPORIX_CUSTOMER_PASSWORD');
  return out;
}

/** String fields of a JSON answer worth capturing: values a later request sends again. */
function capturable(json: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (typeof json === 'string') return path.length || json.length >= 6 ? [{ path, value: json }] : [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) return [];
  return Object.entries(json).flatMap(([k, v]) => capturable(v, [...path, k]));
}

function requestText(x: Exchange): string {
  const body = x.rawBody ?? (x.requestBody === undefined ? '' : JSON.stringify(x.requestBody));
  return `${x.url}\n${Object.values(x.requestHeaders).join('\n')}\n${body}`;
}

export function reproducer(title: string, exchanges: Exchange[], target: TargetConfig, cleanupFrom = exchanges.length): string {
  const failedAt = exchanges.findIndex((x) => x.failed);
  const last = failedAt >= 0 ? failedAt : Math.max(0, Math.min(cleanupFrom, exchanges.length) - 1);
  const steps = exchanges.slice(0, last + 1);
  const bindings = configured(target);
  const lines = [
    '#!/usr/bin/env bash',
    `# Reproduces: ${title.replace(/\n/g, ' ')}`,
    '# Set the variables of .env first (EMPORIX_API_URL, EMPORIX_TENANT, EMPORIX_STOREFRONT_CLIENT_ID, …); needs curl and node.',
    `# ${steps.length} exchange${steps.length === 1 ? '' : 's'}; the last one is the exchange the test failed on${failedAt >= 0 ? '' : ' (or the last before it)'}.`,
    'set -u',
    `: "\${EMPORIX_API_URL:?}" "\${EMPORIX_TENANT:?}"`,
    "field() { node -e 'let s=\"\";process.stdin.on(\"data\",c=>s+=c).on(\"end\",()=>{let v=JSON.parse(s);for(const k of process.argv.slice(1))v=v?.[k];process.stdout.write(v==null?\"\":String(v))})' \"$@\"; }",
    '',
  ];
  bindings.push({ value: target.tenant, expr: 'EMPORIX_TENANT' });
  steps.forEach((x, i) => {
    const n = i + 1;
    const later = steps.slice(i + 1).map(requestText).join('\n');
    const args = [`curl -sS -i --max-time 30 -X ${x.method}`, word(substitute(x.url, bindings))];
    for (const [name, value] of Object.entries(x.requestHeaders)) args.push(`-H ${word(substitute(`${name}: ${value}`, bindings))}`);
    const body = x.rawBody ?? (x.requestBody === undefined ? undefined : JSON.stringify(x.requestBody));
    if (body !== undefined) args.push(`--data-binary ${word(substitute(body, bindings))}`);
    lines.push(`# ${n}. answered ${x.status}${x.failed ? ' <- the failing exchange' : ''}`);
    const captures = capturable(x.json).filter((c) => c.value.length >= 8 && later.includes(c.value) && !bindings.some((b) => b.value === c.value));
    if (captures.length) {
      lines.push(`R${n}=$(${args.join(' ')})`, `printf '%s\\n\\n' "$R${n}"`);
      for (const c of captures) {
        const variable = `${c.path.join('_').replace(/[^A-Za-z0-9_]/g, '_').toUpperCase() || 'VALUE'}_${n}`;
        lines.push(`${variable}=$(printf '%s' "$R${n}" | sed '1,/^\\r\\{0,1\\}$/d' | field ${c.path.map((p) => `'${p.replace(/'/g, "'\\''")}'`).join(' ')})`);
        bindings.push({ value: c.value, expr: variable });
      }
    } else {
      lines.push(`${args.join(' ')}; echo; echo`);
    }
  });
  // Anything secret that was neither configured nor captured (a token from an exchange no longer kept) is masked.
  let script = lines.join('\n');
  const unbound = secrets().filter((s) => script.includes(s));
  if (unbound.length) script = redactText(script);
  return `${script}\n`;
}
