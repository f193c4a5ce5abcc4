/** `npm run proxy -- --target URL [options]`: proxy/cli.ts as a script (the package's bin calls it as `proxy`). */
import { runProxy, ProxyUsageError } from './cli.js';

runProxy(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`conformance proxy: ${e instanceof Error ? e.message : String(e)}${e instanceof ProxyUsageError ? ' (see --help)' : ''}`);
    process.exit(2);
  },
);
