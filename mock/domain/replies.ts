/** The mock's answers: one wording per error, so a message found in a report leads to one place. */
import type { Reply } from './types.js';

/** The API gateway's fault body (Apigee style), used for 401 (SC-AUTH-01, SC-SCHEMA-04) and gateway failures. */
export const fault = (status: number, faultstring: string, errorcode: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { fault: { faultstring, detail: { errorcode } } },
  ...(headers ? { headers } : {}),
});

/** The services' ErrorMessage: `code` and `message`, with extras such as the sessionId (SC-SCHEMA-03, SC-HTTP-04). */
export const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { ...extra, code: status, message },
});

/** SC-HTTP-05: a 204 carries no body. */
export const noContent = (): Reply => ({ status: 204 });
export const ok = (body: unknown): Reply => ({ status: 200, body });

/** Type guard: an operation step answered instead of handing on a value. */
export const isReply = (value: unknown): value is Reply =>
  typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';

export const MESSAGES = {
  invalidToken: 'Invalid access token',
  wrongTenant: 'The token does not belong to this tenant',
  invalidTenant: 'Invalid tenant name: must match ^[a-z][a-z0-9]+$ with 3 to 16 characters',
  storefrontTokenRequired: 'An anonymous or customer token is required',
  serviceTokenRequired: 'A service token is required',
  notJsonObject: 'The request body must be a JSON object',
  sessionNotFound: 'Session not found',
  /** The wording seen live for a PUT without saas-token (BEHAVIOUR.md §2). */
  saasTokenRequired: 'Required Header [saas-token] is not present',
  internal: 'Internal error',
} as const;

export const invalidToken = (): Reply => fault(401, MESSAGES.invalidToken, 'oauth.v2.InvalidAccessToken');
export const wrongTenant = (): Reply => error(403, MESSAGES.wrongTenant);
export const notJsonObject = (): Reply => error(400, MESSAGES.notJsonObject);
/** SC-SCHEMA-03: a 404 carries code, message and the sessionId that was not found. */
export const sessionNotFound = (sessionId: string): Reply => error(404, MESSAGES.sessionNotFound, { sessionId });
export const internalError = (): Reply => error(500, MESSAGES.internal);
