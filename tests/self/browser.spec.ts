/**
 * The mock as a browser storefront meets it (issue 14, BEHAVIOUR.md §8): a plain HTML+JS page, served from another
 * origin than the mock, runs a session in a real headless Chromium through `fetch` with an Authorization header, so
 * every call needs a CORS preflight the browser itself judges. Only a real browser enforces CORS; a request from Node
 * would pass whatever headers the mock sends. The test reads what the page shows, and what the mock saw.
 *
 * Chromium is Debian's `chromium` package (`.ci/run` installs it), never Playwright's download: `playwright install`
 * fetches from a CDN the CI machine does not reach, and the conformance suite itself needs no browser.
 */
import { test, expect, chromium, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../mock/app.js';
import { loadSeed } from '../../mock/settings.js';
import { defaultSettings, type MockSettings } from '../../mock/domain/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const pageDir = path.join(here, 'storefront');

/** The browser: CHROMIUM_PATH, else the first Chromium-family browser on the PATH. Undefined when there is none. */
function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not on the PATH; try the next name
    }
  }
  return undefined;
}

/** Serves the storefront page on its own origin (localhost:P; the mock is 127.0.0.1:M, another origin). */
async function servePage(): Promise<{ origin: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://page').pathname.replace(/^\/$/, '/index.html');
    const file = path.join(pageDir, path.normalize(name));
    if (!file.startsWith(pageDir) || !existsSync(file) || !types[path.extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { origin: `http://localhost:${port}`, server };
}

/** The mock on a real port, recording every request it answered (preflights included) with the Origin it carried. */
async function startRecordedMock(settings: MockSettings) {
  const { app } = createApp(loadSeed(), settings);
  const seen: { method: string; path: string; status: number; origin?: string }[] = [];
  app.addHook('onResponse', async (req, reply) => {
    seen.push({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, origin: req.headers.origin });
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, seen, close: () => app.close() };
}

test.describe('a browser storefront against the mock', () => {
  test.setTimeout(90_000);

  test('logs in, reads and patches its context, adds and deletes an attribute and gets its cart, across origins', async () => {
    const executablePath = chromiumPath();
    expect(
      executablePath,
      'No Chromium found for the browser test. Install Debian\'s package (`apt-get install -y chromium`, as .ci/run does) ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome binary. `playwright install` is not used by this project.',
    ).toBeTruthy();

    const mock = await startRecordedMock({ ...defaultSettings });
    const page = await servePage();
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const tab = await browser.newPage();
      const consoleLines: string[] = [];
      tab.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      const query = new URLSearchParams({ api: mock.url, tenant: 'conformance', client_id: 'sf-conformance-storefront' });
      await tab.goto(`${page.origin}/index.html?${query}`);

      const status = tab.locator('#status');
      await expect(status).not.toHaveText('starting', { timeout: 30_000 });
      const shown = async (id: string) => (await tab.locator(`#${id}`).textContent()) ?? '';
      const explain = async () =>
        [
          `page status: ${await status.textContent()}`,
          `page log: ${(await tab.locator('#log li').allTextContents()).join(' | ')}`,
          `browser console: ${consoleLines.join(' | ') || '(empty)'}`,
          `mock saw: ${mock.seen.map((s) => `${s.method} ${s.path} ${s.status}`).join(' | ')}`,
        ].join('\n');

      expect(await shown('status'), await explain()).toBe('done');
      expect(await shown('session'), await explain()).toMatch(/^[0-9a-f-]{36}$/);
      // The seed's default site; derivation itself is the conformance suite's subject.
      expect(await shown('context-site'), await explain()).toBe('main');
      expect(await shown('currency'), await explain()).toBe('USD');
      expect(await shown('version'), await explain()).toBe('2');
      expect(await shown('attributes-added'), await explain()).toBe('campaign');
      expect(await shown('attributes-deleted'), await explain()).toBe('(none)');
      const cart = await shown('cart');
      expect(cart, await explain()).toMatch(/\S/);
      expect(cart).not.toBe('(none)');
      expect(await shown('cart-by-id'), await explain()).toBe(cart);
      expect(await shown('context-cart'), await explain()).toBe(cart);

      // Every call the page made was cross-origin and needed a preflight (Authorization, JSON content type,
      // PATCH/DELETE, X-Version): the browser sent one before it, and the mock allowed it.
      const calls = mock.seen.filter((s) => s.method !== 'OPTIONS');
      expect(calls.length, await explain()).toBeGreaterThanOrEqual(10);
      for (const call of calls) {
        expect(call.origin, `${call.method} ${call.path} came from the page's origin\n${await explain()}`).toBe(page.origin);
        const preflight = mock.seen.find((s) => s.method === 'OPTIONS' && s.path === call.path);
        expect(preflight, `no preflight before ${call.method} ${call.path}\n${await explain()}`).toBeDefined();
        expect(preflight!.status, `preflight of ${call.path}\n${await explain()}`).toBe(204);
      }
    } finally {
      await browser?.close();
      await new Promise((resolve) => page.server.close(resolve));
      await mock.close();
    }
  });
});
