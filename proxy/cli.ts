/**
 * `npx emporix-session-context-conformance proxy --target URL [options]` and `npm run proxy -- …`: the passive
 * conformance proxy (docs/proxy.md). It starts like the mock: the first line of output is its URL (or, with
 * --json, one line {url, target, pid}); then one line per finding; SIGTERM or SIGINT writes the report, prints the
 * summary and exits with the verdict's code (0 conformant, 1 the API deviated, 2 nothing judged or a bad flag).
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { startProxyServer } from './server.js';
import { TrafficJudge, type Finding, type LedgerLike } from './judge.js';
import { consoleSummary, trafficReport, writeReport } from './report.js';
import type { SpecVersion } from '../tests/support/target.js';
import * as ledgerModule from '../tests/support/ledger.js';

export const PROXY_HELP = `Usage: emporix-session-context-conformance proxy --target URL [options]
       npm run proxy -- --target URL [options]

A transparent reverse proxy: point a storefront, an SDK or an end-to-end suite at its URL instead of the API's.
Every request is forwarded unchanged and every answer returned unchanged; the Session Context exchanges are judged
against the documented contract (the API) and against what the documents call wrong or useless (the client).

  --target URL           the API to forward to, e.g. https://api.emporix.io (required)
  --port N               port to listen on (default 4011; 0 picks a free one)
  --host H               address to listen on (default 127.0.0.1; 0.0.0.0 for a container)
  --report-dir DIR       where conformance.json and conformance.md go on exit (default ./conformance-report)
  --spec-version V       2026-04 (default) or 2022-11: the contract the answers are judged by (SPEC_VERSION)
  --propagation-ms MS    how long a new context may stay invisible (default 5000, CONFORMANCE_PROPAGATION_MS)
  --max-body BYTES       bodies larger than this are forwarded but not judged (default 1048576)
  --session-idle-ms MS   a session not seen for this long is forgotten (default 1800000: 30 minutes)
  --quiet                no line per finding (the summary on exit stays)
  --json                 print one JSON line {url, target, pid} instead of the banner
  --help                 this text

Exit (on SIGTERM or SIGINT, after writing the report): 0 no API deviation, 1 the API deviated from a MUST
requirement, 2 nothing was judged or a flag is wrong. Client findings never change the exit code.`;

export class ProxyUsageError extends Error {}

export interface ProxyOptions {
  target: string;
  port: number;
  host: string;
  reportDir: string;
  specVersion: SpecVersion;
  propagationMs: number;
  maxBodyBytes: number;
  sessionIdleMs: number;
  quiet: boolean;
  json: boolean;
  help: boolean;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) throw new ProxyUsageError(`--${flag} must be an integer ${min}..${max}; got "${value}"`);
  return n;
}

export function parseProxyArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ProxyOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        port: { type: 'string', default: '4011' },
        host: { type: 'string', default: '127.0.0.1' },
        'report-dir': { type: 'string', default: 'conformance-report' },
        'spec-version': { type: 'string', default: env.SPEC_VERSION || '2026-04' },
        'propagation-ms': { type: 'string', default: env.CONFORMANCE_PROPAGATION_MS || '5000' },
        'max-body': { type: 'string', default: String(1024 * 1024) },
        'session-idle-ms': { type: 'string', default: String(30 * 60_000) },
        quiet: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new ProxyUsageError((e as Error).message);
  }
  if (values.help) return { help: true } as ProxyOptions;
  if (!values.target) throw new ProxyUsageError('--target URL is required (the API to forward to, e.g. https://api.emporix.io)');
  let target: URL;
  try {
    target = new URL(values.target);
  } catch {
    throw new ProxyUsageError(`--target must be an http or https URL; got "${values.target}"`);
  }
  if (!['http:', 'https:'].includes(target.protocol)) throw new ProxyUsageError(`--target must be an http or https URL; got "${values.target}"`);
  if (target.search || target.hash) throw new ProxyUsageError('--target must not carry a query or a fragment');
  const spec = values['spec-version']!;
  if (spec !== '2026-04' && spec !== '2022-11') throw new ProxyUsageError(`--spec-version (SPEC_VERSION) must be 2026-04 or 2022-11; got "${spec}"`);
  return {
    target: target.toString().replace(/\/$/, ''),
    port: integer('port', values.port!, 0, 65535),
    host: values.host!,
    reportDir: path.resolve(process.cwd(), values['report-dir']!),
    specVersion: spec,
    propagationMs: integer('propagation-ms', values['propagation-ms']!, 0, 600_000),
    maxBodyBytes: integer('max-body', values['max-body']!, 1024, 256 * 1024 * 1024),
    sessionIdleMs: integer('session-idle-ms', values['session-idle-ms']!, 1000, 7 * 24 * 3600_000),
    quiet: values.quiet!,
    json: values.json!,
    help: false,
  };
}

/** The suite's session ledger: the documented effect of each write, judged at the next read of its session. */
function makeLedger(o: ProxyOptions): { ledger: LedgerLike; requirements?: readonly string[] } {
  const requirements = (ledgerModule as Record<string, unknown>).LEDGER_REQUIREMENTS as readonly string[] | undefined;
  return { ledger: new ledgerModule.SessionLedger({ specVersion: o.specVersion, propagationMs: o.propagationMs }), requirements };
}

/** One line per finding as it happens; the text is already redacted (proxy/judge.ts). */
const findingLine = (f: Finding) => `${f.side === 'api' ? `API    ${f.id} ${f.operation}` : `CLIENT ${f.id}`}: ${f.text.split('\n')[0].slice(0, 300)}`;

/** Starts the proxy; answers when it has stopped, with the exit code. */
export async function runProxy(argv: string[]): Promise<number> {
  const o = parseProxyArgs(argv);
  if (o.help) {
    console.log(PROXY_HELP);
    return 0;
  }
  const { ledger, requirements } = makeLedger(o);
  const judge = new TrafficJudge({
    specVersion: o.specVersion,
    ledger,
    onFinding: o.quiet ? undefined : (f) => console.log(findingLine(f)),
  });
  const proxy = await startProxyServer({
    target: o.target,
    port: o.port,
    host: o.host,
    maxBodyBytes: o.maxBodyBytes,
    onBegin: (x) => judge.begin(x),
    onExchange: (x) => {
      try {
        judge.observe(x);
      } catch (e) {
        // A judging error must never touch the traffic; it is reported once per kind.
        console.error(`conformance proxy: judging failed on ${x.method} ${new URL(x.url).pathname}: ${(e as Error).message}`);
      }
    },
  });
  const sweep = setInterval(() => judge.expire(o.sessionIdleMs), Math.min(60_000, o.sessionIdleMs)).unref();
  if (o.json) console.log(JSON.stringify({ url: proxy.url, target: o.target, pid: process.pid }));
  else {
    console.log(proxy.url);
    console.log(`conformance proxy → ${o.target} (spec ${o.specVersion}); Ctrl-C writes ${path.relative(process.cwd(), o.reportDir) || '.'}/conformance.json`);
  }
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      clearInterval(sweep);
      await proxy.close();
      const report = trafficReport({ judge, target: o.target, specVersion: o.specVersion, ledgerRequirements: requirements });
      const files = writeReport(report, o.reportDir);
      console.log(consoleSummary(report, files));
      resolve(report.verdict.exitCode);
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
  });
}
