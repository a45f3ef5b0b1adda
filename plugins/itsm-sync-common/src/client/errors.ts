import { CustomErrorBase, ResponseError, toError } from '@backstage/errors';
import type { ErrorResponseBody } from '@backstage/errors';

/**
 * A manual sync refused because the previous one is still cooling down (HTTP 429).
 * @public
 */
export class ManualSyncCooldownError extends CustomErrorBase {
  constructor(
    message: string,
    /** When the next manual sync is allowed. */
    readonly cooldownUntil: Date,
  ) {
    super(message);
    this.name = 'ManualSyncCooldownError';
  }
}

/**
 * The message to show for a failed call: the backend's own words for a `ResponseError`
 * (whose message is only the status line), else the error's message.
 * @public
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError)
    return backendMessage(error.body) ?? error.message;
  return toError(error).message;
}

function backendMessage(body: ErrorResponseBody): string | undefined {
  const message = body?.error?.message;
  return typeof message === 'string' && message ? message : undefined;
}

/** The end of a manual-sync cooldown from a 429: `cooldown_until` is exact, the rest relative to now. */
export function cooldownEnd(
  body: Record<string, unknown> | undefined,
  retryAfterHeader: string | null,
): Date | undefined {
  if (typeof body?.cooldown_until === 'string') {
    const at = new Date(body.cooldown_until);
    if (!Number.isNaN(at.getTime())) return at;
  }
  const relative = body?.retry_after_seconds ?? retryAfterHeader;
  if (relative === undefined || relative === null) return undefined;
  const seconds = Number(relative);
  return Number.isFinite(seconds) && seconds >= 0
    ? new Date(Date.now() + seconds * 1000)
    : undefined;
}
