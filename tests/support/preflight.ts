/**
 * Global setup: before any test, a live target is tried once per configured credential, so an unusable target
 * ends the run in seconds with the cause named, instead of failing every test one timeout after another.
 * The bundled mock needs no preflight: each worker starts its own.
 */
import dotenv from 'dotenv';
import { Api, InconclusiveError, type Exchange } from './api.js';
import { redactText, registerSecret } from './redact.js';
import { liveTarget, targetKind, type TargetConfig } from './target.js';
import { preview } from './universal.js';

interface Check {
  item: string;
  ok: boolean;
  detail: string;
}

function answerText(x: Exchange): string {
  const type = x.responseHeaders['content-type'] ?? 'no content type';
  if (x.text && x.json === undefined) return `expected JSON, got ${type}: ${preview(redactText(x.text))}`;
  const message = (x.json as { message?: string; fault?: { faultstring?: string } } | undefined);
  return `answered ${x.status}${message?.message ? `: ${message.message}` : message?.fault?.faultstring ? `: ${message.fault.faultstring}` : ''}`;
}

async function attempt(item: string, call: () => Promise<Exchange>, ok: (x: Exchange) => string | undefined): Promise<Check> {
  let detail = '';
  // A reset or a rate limit that outlasted the client's retries is tried once more; a silent target is not.
  for (let round = 1; round <= 2; round++) {
    try {
      const x = await call();
      const problem = x.json === undefined || x.status >= 300 ? answerText(x) : ok(x);
      return { item, ok: !problem, detail: problem ? redactText(problem) : 'ok' };
    } catch (e) {
      detail = redactText(e instanceof InconclusiveError ? e.message.replace(/^inconclusive: /, '') : (e as Error).message);
      if (!(e instanceof InconclusiveError) || /no answer within/.test(detail)) break;
    }
  }
  return { item, ok: false, detail };
}

export async function preflight(target: TargetConfig): Promise<Check[]> {
  const api = new Api({ ...target, timeoutMs: target.timeoutMs });
  api.lenient = false;
  const checks: Check[] = [];
  let anonymousToken: string | undefined;
  const where = `EMPORIX_API_URL=${target.baseURL}`;
  const login = await attempt(`${where} answers, EMPORIX_STOREFRONT_CLIENT_ID logs in anonymously (tenant ${target.tenant})`, () => api.anonymousLogin(target.storefrontClientId), (x) => {
    const body = x.json as { access_token?: string; sessionId?: string; session_id?: string };
    anonymousToken = body.access_token;
    registerSecret(anonymousToken);
    return body.access_token && (body.sessionId ?? body.session_id) ? undefined : 'the answer has no access_token or sessionId';
  });
  checks.push(login);
  if (!login.ok) return checks;
  if (target.service) {
    const { clientId, clientSecret } = target.service;
    registerSecret(clientSecret);
    checks.push(
      await attempt('EMPORIX_CLIENT_ID and EMPORIX_CLIENT_SECRET get a service token', () => api.serviceToken(clientId, clientSecret), (x) => {
        const body = x.json as { access_token?: string; scope?: string };
        registerSecret(body.access_token);
        if (!body.access_token) return 'the answer has no access_token';
        return body.scope !== undefined && !body.scope.split(/\s+/).includes('sessioncontext.context_manage')
          ? `the token lacks sessioncontext.context_manage (scope: ${body.scope})`
          : undefined;
      }),
    );
  }
  if (target.limitedService) {
    const { clientId, clientSecret } = target.limitedService;
    registerSecret(clientSecret);
    checks.push(await attempt('EMPORIX_LIMITED_CLIENT_ID and EMPORIX_LIMITED_CLIENT_SECRET get a service token', () => api.serviceToken(clientId, clientSecret), (x) => {
      registerSecret((x.json as { access_token?: string }).access_token);
      return undefined;
    }));
  }
  if (target.customer && anonymousToken) {
    const { email, password } = target.customer;
    registerSecret(password);
    let customerToken: string | undefined;
    checks.push(
      await attempt('EMPORIX_CUSTOMER_EMAIL and EMPORIX_CUSTOMER_PASSWORD log in', () => api.customerLogin(anonymousToken!, email, password), (x) => {
        const body = x.json as Record<string, string>;
        customerToken = body.access_token ?? body.accessToken;
        registerSecret(customerToken);
        registerSecret(body.saas_token ?? body.saasToken);
        return customerToken ? undefined : 'the answer has no access_token';
      }),
    );
    // Nothing left behind: the preflight's own customer session is closed again.
    if (customerToken) {
      api.lenient = true;
      await api.customerLogout(customerToken).catch(() => undefined);
    }
  }
  return checks;
}

export default async function globalSetup(): Promise<void> {
  dotenv.config({ quiet: true });
  if (targetKind() !== 'live') return;
  const target = liveTarget();
  if (target.missing.length) return; // every test is skipped naming the variables; the report says so
  const started = Date.now();
  const checks = await preflight(target);
  const lines = checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.item}${c.ok ? '' : `: ${c.detail}`}`);
  const failed = checks.filter((c) => !c.ok);
  console.log(`preflight (${((Date.now() - started) / 1000).toFixed(1)} s):\n${lines.join('\n')}`);
  if (failed.length) {
    const error = new Error(`preflight failed: ${failed.map((c) => `${c.item}: ${c.detail}`).join('; ')}`);
    // The cause is the message; a stack trace of the suite's own code would only bury it.
    error.stack = error.message;
    throw error;
  }
}
