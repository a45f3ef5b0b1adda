import type { SimResponse } from '../shared/SimulatorServer';

/** ServiceNow's REST error envelope: `{"error":{"message","detail"},"status":"failure"}`. */
function serviceNowErrorBody(message: string, detail: string | null = null) {
  return { error: { message, detail }, status: 'failure' };
}

/** The message ServiceNow gives for a status when the simulator has nothing more specific. */
export function defaultErrorBody(status: number, message: string) {
  switch (status) {
    case 401:
      return serviceNowErrorBody(
        'User Not Authenticated',
        'Required to provide Auth information',
      );
    case 404:
      return serviceNowErrorBody(
        'No Record found',
        "Record doesn't exist or ACL restricts the record retrieval",
      );
    case 429:
      return serviceNowErrorBody('Rate limit exceeded', message);
    default:
      return serviceNowErrorBody(message);
  }
}

export function errorResponse(
  status: number,
  message: string,
  detail: string | null = null,
  headers?: Record<string, string>,
): SimResponse {
  return { status, body: serviceNowErrorBody(message, detail), headers };
}

export const notFound = () =>
  errorResponse(
    404,
    'No Record found',
    "Record doesn't exist or ACL restricts the record retrieval",
  );

export const unauthenticated = (): SimResponse => ({
  status: 401,
  body: defaultErrorBody(401, ''),
  headers: { 'www-authenticate': 'BASIC realm="Service-now"' },
});

/**
 * ServiceNow's rate-limit headers: Retry-After in seconds plus the X-RateLimit-* trio
 * (limit, reset as epoch seconds, and the sys_id of the rule that fired).
 */
export function rateLimitHeaders(
  resetSeconds: number,
  limit: number,
): Record<string, string> {
  return {
    'retry-after': String(resetSeconds),
    'x-ratelimit-limit': Number.isFinite(limit) ? String(limit) : '0',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetSeconds),
    'x-ratelimit-rule': '8a2d7e1c1b3f0010a0e1c8a4604bcb55',
  };
}
