// Preloaded (NODE_OPTIONS=--import) into the self-test run of tests/self/fuzz.spec.ts by scripts/proxy-check.ts:
// registers hooks.mjs, which hands that one spec file a mock whose `inject` goes over HTTP through the proxy.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
