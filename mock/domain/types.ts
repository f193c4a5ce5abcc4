/** Shapes of the seed file and of the mock's in-memory state. */
import type { DeviationName } from './deviations.js';

export type SpecVersion = '2026-04' | '2022-11';
export type ContextCreation = 'cart' | 'login';
export type StaleVersionStatus = 404 | 409;
/** When a management PUT needs `saas-token`: for a customer's context (documented) or always (seen live, §8). */
export type PutSaasToken = 'customer' | 'always';

export interface MockSettings {
  /**
   * When a session context comes into being: at anonymous login or at cart creation (BEHAVIOUR.md §3). Login is the
   * default: clients written for real tenants read the context before any cart (§8), and the Customer Service spec
   * says anonymous login creates it; the Session Context spec's "at cart creation" stays a setting.
   */
  contextCreation: ContextCreation;
  /** Status for a stale `metadata.version`: 404 is observed on the live API, 409 is plausible (BEHAVIOUR.md §2). */
  staleVersionStatus: StaleVersionStatus;
  /** 2026-04 knows `language`; 2022-11 is the service as the seeds describe it. */
  specVersion: SpecVersion;
  /** Named departure from the documented behaviour (see mock/domain/deviations.ts); undefined is faithful. */
  deviation?: DeviationName;
  /** Largest accepted request body in bytes; larger ones get 413. */
  bodyLimit: number;
  /** Real-world conditions (mock/conditions.ts), all off by default. Every answer is delayed this long (ms). */
  latencyMs: number;
  /** Share (0..1) of requests answered 429 with Retry-After before any processing. */
  rateLimit: number;
  /** Share (0..1) of requests answered 503 with Retry-After (any method) or 504 (GET) before any processing. */
  gatewayErrors: number;
  /** Share (0..1) of requests whose connection is destroyed before any processing. */
  networkResets: number;
  /** A newly created context answers 404 to reads for this long (ms); writes are unaffected. */
  contextLagMs: number;
  /** Seed of the generator that picks the requests a condition hits, so a run repeats. */
  randomSeed: number;
  /** Serve GET /__mock/residue: what the clients left behind. */
  residue: boolean;
  /** Prefix of every token issued, so a scan of a run's output can recognise a leaked one (e.g. LEAKCANARY). */
  tokenPrefix: string;
  /**
   * CORS for browser storefronts: '*' allows any origin (the request's Origin is echoed), a comma-separated list
   * allows those origins, 'off' sends no CORS header and leaves preflights to the 405 rule.
   */
  cors: string;
  /** Token answers with only the current documented field names (no `session_id` alias, no deprecated camelCase). */
  strictShapes: boolean;
  /** 'always': a PUT without `saas-token` is refused for any context, as seen live (BEHAVIOUR.md §8); never the default. */
  putSaasToken: PutSaasToken;
}

export const defaultSettings: MockSettings = {
  contextCreation: 'login',
  staleVersionStatus: 404,
  specVersion: '2026-04',
  bodyLimit: 64 * 1024,
  latencyMs: 0,
  rateLimit: 0,
  gatewayErrors: 0,
  networkResets: 0,
  contextLagMs: 0,
  randomSeed: 1,
  residue: false,
  tokenPrefix: '',
  cors: '*',
  strictShapes: false,
  putSaasToken: 'customer',
};

export interface SeedAddress {
  id: string;
  contactName?: string;
  country: string;
  isDefault?: boolean;
  tags?: string[];
  [k: string]: unknown;
}

export interface SeedProfile {
  id: string;
  customerNumber: string;
  firstName?: string;
  lastName?: string;
  preferredCurrency?: string;
  preferredSite?: string;
  preferredLanguage?: string;
  addresses?: SeedAddress[];
  [k: string]: unknown;
}

export interface SeedCustomer {
  email: string;
  password: string;
  profile: SeedProfile;
}

export interface Site {
  code: string;
  name: string;
  active: boolean;
  default: boolean;
  defaultLanguage?: string;
  languages?: string[];
  currency: string;
  availableCurrencies?: string[];
  homeBase?: { address?: { country?: string; [k: string]: unknown } };
  shipToCountries?: string[];
  [k: string]: unknown;
}

export interface ServiceClient {
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export interface SeedTenant {
  name: string;
  storefrontClientIds: string[];
  serviceClients: ServiceClient[];
  sites: Site[];
  customers: SeedCustomer[];
}

export interface Seed {
  tenants: SeedTenant[];
}

export type TokenKind = 'anonymous' | 'customer' | 'service';

export interface TokenRecord {
  kind: TokenKind;
  tenant: string;
  clientId: string;
  sessionId?: string;
  customerId?: string;
  scopes: string[];
  revoked: boolean;
}

export interface RefreshRecord {
  tenant: string;
  clientId: string;
  sessionId: string;
  used: boolean;
}

export interface SessionContextRecord {
  sessionId: string;
  customerId?: string;
  siteCode?: string;
  currency?: string;
  cartId?: string;
  targetLocation?: string;
  language?: string;
  /** A Map, not an object: attribute names such as `__proto__` must be plain data. */
  context: Map<string, unknown>;
  version: number;
  createdAt: string;
  modifiedAt: string;
  /** Epoch ms before which reads do not see the context yet (the context-lag condition). */
  visibleFrom: number;
}

export interface CartRecord {
  id: string;
  createdAt: string;
  modifiedAt: string;
  tenant: string;
  sessionId?: string;
  customerId?: string;
  siteCode: string;
  currency: string;
  type: string;
  status: 'OPEN' | 'CLOSED';
}

/** What every domain operation answers; the HTTP layer only copies it out. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as it is, not as JSON (with the content type in `headers`); only deviations use it (SC-HTTP-02). */
  raw?: string;
}
