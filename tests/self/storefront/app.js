/* global document, location, fetch, URLSearchParams */
// The storefront's session flow, in the order a storefront runs it; plain browser JavaScript, no build step.
(async () => {
  const params = new URLSearchParams(location.search);
  const api = params.get('api');
  const tenant = params.get('tenant');
  const clientId = params.get('client_id');
  const show = (id, text) => { document.getElementById(id).textContent = text; };
  const log = (line) => {
    const item = document.createElement('li');
    item.textContent = line;
    document.getElementById('log').appendChild(item);
  };

  /**
   * One call as storefront code makes it: JSON content type even without a body (clients do, BEHAVIOUR.md §8),
   * bearer token once logged in. A network error here is what a browser reports when CORS refuses the call.
   */
  let token;
  async function call(method, path, body, headers = {}) {
    const init = { method, headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en', ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) init.body = JSON.stringify(body);
    let response;
    try {
      response = await fetch(`${api}${path}`, init);
    } catch (e) {
      throw new Error(`${method} ${path.split("?")[0]}: ${e.message} (refused by the browser: CORS?)`, { cause: e });
    }
    const text = await response.text();
    log(`${method} ${path.split('?')[0]} ${response.status}`);
    if (!response.ok) throw new Error(`${method} ${path.split('?')[0]}: ${response.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  }
  // Custom attributes are the `context` map of the SessionContext.
  const names = (sessionContext) => Object.keys(sessionContext.context ?? {}).sort().join(',') || '(none)';

  try {
    const login = await call('GET', `/customerlogin/auth/anonymous/login?tenant=${tenant}&client_id=${clientId}`);
    token = login.access_token;
    show('session', login.sessionId ?? login.session_id ?? '(none)');

    const context = await call('GET', `/session-context/${tenant}/me/context`);
    show('context-site', context.siteCode ?? '(none)');

    const patched = await call('PATCH', `/session-context/${tenant}/me/context`, { currency: 'USD', metadata: { version: context.metadata.version } });
    const afterPatch = patched ?? (await call('GET', `/session-context/${tenant}/me/context`));
    show('currency', afterPatch.currency);
    show('version', String(afterPatch.metadata.version));

    await call('POST', `/session-context/${tenant}/me/context/attributes`, { key: 'campaign', value: 'spring' });
    show('attributes-added', names(await call('GET', `/session-context/${tenant}/me/context`)));
    await call('DELETE', `/session-context/${tenant}/me/context/attributes/campaign`);
    show('attributes-deleted', names(await call('GET', `/session-context/${tenant}/me/context`)));

    const cart = await call('GET', `/cart/${tenant}/carts?siteCode=main&create=true`, undefined, { 'X-Version': 'v2' });
    const cartId = cart.id ?? cart.cartId;
    show('cart', cartId ?? '(none)');
    const byId = await call('GET', `/cart/${tenant}/carts/${cartId}`, undefined, { 'X-Version': 'v2' });
    show('cart-by-id', byId.id ?? byId.cartId ?? '(none)');
    show('context-cart', (await call('GET', `/session-context/${tenant}/me/context`)).cartId ?? '(none)');

    show('status', 'done');
  } catch (e) {
    show('status', `error: ${e.message}`);
  }
})();
