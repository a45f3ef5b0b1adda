/** A failed call to the itsm-sync backend, carrying the backend's own message. @public */
export class ItsmSyncRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ItsmSyncRequestError';
  }
}

/** A manual sync refused because the previous one is still cooling down (HTTP 429). @public */
export class ManualSyncCooldownError extends ItsmSyncRequestError {
  constructor(
    message: string,
    /** When the next manual sync is allowed. */
    readonly cooldownUntil: Date,
  ) {
    super(message, 429);
    this.name = 'ManualSyncCooldownError';
  }
}

/** Reads the message out of Backstage's standard error body, falling back to the status line. */
export async function errorFromResponse(response: Response): Promise<ItsmSyncRequestError> {
  const text = await response.text().catch(() => '');
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const message =
    (typeof body?.error?.message === 'string' && body.error.message) ||
    (text && !body ? text.slice(0, 300) : '') ||
    `Request failed with ${response.status} ${response.statusText}`.trim();

  if (response.status === 429) {
    const until = cooldownEnd(body, response.headers.get('retry-after'));
    if (until) return new ManualSyncCooldownError(message, until);
  }
  return new ItsmSyncRequestError(message, response.status);
}

// The body's cooldown_until is exact; retry_after_seconds or Retry-After are relative to now.
function cooldownEnd(body: any, retryAfterHeader: string | null): Date | undefined {
  if (typeof body?.cooldown_until === 'string') {
    const at = new Date(body.cooldown_until);
    if (!Number.isNaN(at.getTime())) return at;
  }
  const seconds = Number(body?.retry_after_seconds ?? retryAfterHeader);
  if (Number.isFinite(seconds) && seconds >= 0) return new Date(Date.now() + seconds * 1000);
  return undefined;
}
