import type { SimResponse } from '../shared/SimulatorServer';

/** Jira's error body: `{ errorMessages: [...], errors: { field: message } }`. */
function jiraErrorBody(
  messages: string[],
  errors: Record<string, string> = {},
) {
  return { errorMessages: messages, errors };
}

export function jiraError(
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
): SimResponse {
  return { status, body: jiraErrorBody(messages, errors) };
}

export function issueNotFound(): SimResponse {
  return jiraError(404, [
    'Issue does not exist or you do not have permission to see it.',
  ]);
}

/** The body the shared server uses for injected failures and unknown routes. */
export function defaultErrorBody(_status: number, message: string) {
  return jiraErrorBody([message]);
}

/**
 * Jira Cloud's rate-limit headers: `Retry-After` in seconds, and `X-RateLimit-Reset` as
 * an ISO-8601 time.
 */
export function rateLimitHeaders(now: () => Date) {
  return (resetSeconds: number, limit: number): Record<string, string> => ({
    'retry-after': String(resetSeconds),
    'x-ratelimit-limit': String(Number.isFinite(limit) ? limit : 100),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': new Date(
      now().getTime() + resetSeconds * 1000,
    ).toISOString(),
    'x-ratelimit-nearlimit': 'true',
    'ratelimit-reason': 'jira-quota-global-based',
  });
}
