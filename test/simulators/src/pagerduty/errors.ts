import type { SimResponse } from '../shared/SimulatorServer';

/**
 * PagerDuty REST v2 error bodies: `{ error: { message, code, errors? } }`. The codes are
 * the ones PagerDuty documents for each class of failure.
 */
const PD_ERROR_CODES = {
  invalidInput: { code: 2001, message: 'Invalid Input Provided' },
  unauthorized: { code: 2006, message: 'Authentication failed' },
  notFound: { code: 2100, message: 'Not Found' },
  rateLimited: { code: 2020, message: 'Rate Limit Exceeded' },
  internal: { code: 2000, message: 'Internal Error' },
  forbidden: { code: 2010, message: 'Access Denied' },
} as const;

/** The documented error for a status; any other 5xx is internal, any other status invalid input. */
function errorKind(status: number) {
  switch (status) {
    case 401:
      return PD_ERROR_CODES.unauthorized;
    case 403:
      return PD_ERROR_CODES.forbidden;
    case 404:
      return PD_ERROR_CODES.notFound;
    case 429:
      return PD_ERROR_CODES.rateLimited;
    default:
      return status >= 500
        ? PD_ERROR_CODES.internal
        : PD_ERROR_CODES.invalidInput;
  }
}

export function pdErrorBody(status: number, detail?: string) {
  const kind = errorKind(status);
  return {
    error: {
      message: kind.message,
      code: kind.code,
      errors: detail ? [detail] : [],
    },
  };
}

export function invalidInput(...errors: string[]): SimResponse {
  return {
    status: 400,
    body: { error: { ...PD_ERROR_CODES.invalidInput, errors } },
  };
}

export function notFound(what: string): SimResponse {
  return {
    status: 404,
    body: {
      error: { ...PD_ERROR_CODES.notFound, errors: [`${what} Not Found`] },
    },
  };
}

/** PagerDuty's REST rate-limit headers (seconds until the window resets). */
export function pdRateLimitHeaders(
  resetSeconds: number,
  limit: number,
): Record<string, string> {
  return {
    'ratelimit-limit': String(Number.isFinite(limit) ? limit : 0),
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(resetSeconds),
  };
}
