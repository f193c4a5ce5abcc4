#!/usr/bin/env node
// The package's command. The suite is TypeScript: tsx loads the command line (bin/cli.ts) and the mock in this
// process; Playwright transpiles the tests itself.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
