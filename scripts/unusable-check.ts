/**
 * `npx tsx scripts/unusable-check.ts`: an unusable target fails fast and says why. Two stand-ins, on loopback:
 * one that accepts connections and never answers, one that answers an HTML page. Each run must end non-zero within
 * 2 minutes, with conformance.json's verdict `unusable` naming the cause, and no stack trace in the console.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

interface Case {
  label: string;
  answer: (res: http.ServerResponse) => void;
  cause: RegExp;
}

const cases: Case[] = [
  // Never answers: the request stays open until the client gives up.
  { label: 'unusable-silent', answer: () => undefined, cause: /no answer within \d+ ms/ },
  {
    label: 'unusable-html',
    answer: (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>Welcome to nginx!</h1></body></html>'),
    cause: /expected JSON, got text\/html: <html>/,
  },
];

function run(label: string, url: string): Promise<{ code: number | null; seconds: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npx', ['playwright', 'test', '--project=conformance'], {
      cwd: root,
      env: {
        ...process.env,
        TARGET: 'live',
        EMPORIX_API_URL: url,
        EMPORIX_TENANT: 'acme',
        EMPORIX_STOREFRONT_CLIENT_ID: 'storefront-key',
        REPORT_LABEL: label,
        CONFORMANCE_CONSOLE: 'dot',
        // The defaults (10 s per attempt, 3 retries) end a silent target's run in about 45 s; shorter here.
        CONFORMANCE_REQUEST_TIMEOUT_MS: '3000',
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, seconds: (Date.now() - started) / 1000, output }));
  });
}

async function main(): Promise<void> {
  let ok = true;
  for (const c of cases) {
    const server = http.createServer((_req, res) => c.answer(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    rmSync(`${root}reports/${c.label}`, { recursive: true, force: true });
    const { code, seconds, output } = await run(c.label, url);
    server.closeAllConnections();
    server.close();
    let verdict: { status?: string; cause?: string } = {};
    try {
      verdict = JSON.parse(readFileSync(`${root}reports/${c.label}/conformance.json`, 'utf8')).verdict;
    } catch {
      // no report is a failure below
    }
    const problems = [
      code === 0 && 'the run passed',
      seconds > 120 && `it took ${seconds.toFixed(0)} s`,
      verdict.status !== 'unusable' && `verdict ${verdict.status ?? '(no conformance.json)'}`,
      !c.cause.test(verdict.cause ?? '') && `cause not named: ${verdict.cause}`,
      /\n\s+at .+\(.+:\d+:\d+\)/.test(output) && 'a stack trace in the console',
    ].filter(Boolean);
    console.log(`${c.label}: exit ${code} in ${seconds.toFixed(1)} s; verdict ${verdict.status}: ${verdict.cause ?? ''}${problems.length ? `  <- NOT OK: ${problems.join('; ')}` : ''}`);
    ok &&= problems.length === 0;
  }
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
