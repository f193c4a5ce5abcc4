/**
 * What an exchange is, from its method and path: one of the eight Session Context operations, a call that creates
 * or changes a session (logins, refresh, logout, cart creation), a service-token request, or anything else (passed
 * through, not judged).
 */
export type Kind =
  | 'own-get'
  | 'own-patch'
  | 'own-attr-post'
  | 'own-attr-delete'
  | 'mgmt-get'
  | 'mgmt-put'
  | 'mgmt-attr-post'
  | 'mgmt-attr-delete'
  | 'anon-login'
  | 'anon-refresh'
  | 'customer-login'
  | 'customer-logout'
  | 'cart-create'
  | 'service-token'
  | 'other';

export interface Route {
  kind: Kind;
  /** The operation as the report names it, e.g. "PATCH /session-context/{tenant}/me/context". */
  operation: string;
  tenant?: string;
  /** Management operations: the session in the path. */
  sessionId?: string;
  /** Attribute DELETE: the attribute name, decoded. */
  attribute?: string;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const TABLE: [string, RegExp, Kind, string][] = [
  ['GET', /^\/session-context\/([^/]+)\/me\/context$/, 'own-get', '/session-context/{tenant}/me/context'],
  ['HEAD', /^\/session-context\/([^/]+)\/me\/context$/, 'other', '/session-context/{tenant}/me/context'],
  ['PATCH', /^\/session-context\/([^/]+)\/me\/context$/, 'own-patch', '/session-context/{tenant}/me/context'],
  ['POST', /^\/session-context\/([^/]+)\/me\/context\/attributes$/, 'own-attr-post', '/session-context/{tenant}/me/context/attributes'],
  ['DELETE', /^\/session-context\/([^/]+)\/me\/context\/attributes\/([^/]+)$/, 'own-attr-delete', '/session-context/{tenant}/me/context/attributes/{attributeName}'],
  ['GET', /^\/session-context\/([^/]+)\/context\/([^/]+)$/, 'mgmt-get', '/session-context/{tenant}/context/{sessionId}'],
  ['PUT', /^\/session-context\/([^/]+)\/context\/([^/]+)$/, 'mgmt-put', '/session-context/{tenant}/context/{sessionId}'],
  ['POST', /^\/session-context\/([^/]+)\/context\/([^/]+)\/attributes$/, 'mgmt-attr-post', '/session-context/{tenant}/context/{sessionId}/attributes'],
  ['DELETE', /^\/session-context\/([^/]+)\/context\/([^/]+)\/attributes\/([^/]+)$/, 'mgmt-attr-delete', '/session-context/{tenant}/context/{sessionId}/attributes/{attributeName}'],
  ['GET', /^\/customerlogin\/auth\/anonymous\/login$/, 'anon-login', '/customerlogin/auth/anonymous/login'],
  ['GET', /^\/customerlogin\/auth\/anonymous\/refresh$/, 'anon-refresh', '/customerlogin/auth/anonymous/refresh'],
  ['POST', /^\/customer\/([^/]+)\/login$/, 'customer-login', '/customer/{tenant}/login'],
  ['GET', /^\/customer\/([^/]+)\/logout$/, 'customer-logout', '/customer/{tenant}/logout'],
  ['POST', /^\/cart\/([^/]+)\/carts$/, 'cart-create', '/cart/{tenant}/carts'],
  ['POST', /^\/oauth\/token$/, 'service-token', '/oauth/token'],
];

export function routeOf(method: string, url: string): Route {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0];
  }
  for (const [m, re, kind, template] of TABLE) {
    if (m !== method.toUpperCase()) continue;
    const match = re.exec(path);
    if (!match) continue;
    const route: Route = { kind, operation: `${m} ${template}` };
    if (path.startsWith('/session-context/') || path.startsWith('/customer/') || path.startsWith('/cart/')) route.tenant = decode(match[1]);
    if (kind.startsWith('mgmt-')) route.sessionId = decode(match[2]);
    if (kind === 'own-attr-delete') route.attribute = decode(match[2]);
    if (kind === 'mgmt-attr-delete') route.attribute = decode(match[3]);
    return route;
  }
  return { kind: 'other', operation: `${method.toUpperCase()} other` };
}

export const isWrite = (k: Kind) => ['own-patch', 'own-attr-post', 'own-attr-delete', 'mgmt-put', 'mgmt-attr-post', 'mgmt-attr-delete'].includes(k);
export const isRead = (k: Kind) => k === 'own-get' || k === 'mgmt-get';
export const isManagement = (k: Kind) => k.startsWith('mgmt-');
