/**
 * Why a vendor call failed, in the terms the retry engine needs.
 * - `retryable`: try again on the schedule (5xx, 408, 409, 425, network errors, timeouts).
 * - `rate_limited`: wait until `notBefore` without spending a retry.
 * - `permanent`: other 4xx; straight to the DLQ with the vendor's error body.
 * @public
 */
export type ConnectorFailureKind = 'retryable' | 'rate_limited' | 'permanent';

/** @public */
export class ConnectorError extends Error {
  readonly kind: ConnectorFailureKind;
  readonly status?: number;
  /** The vendor's error body, trimmed; never contains credentials. */
  readonly body?: string;
  /** For `rate_limited`: when the vendor may be called again, if it said. */
  readonly notBefore?: Date;

  constructor(options: {
    message: string;
    kind: ConnectorFailureKind;
    status?: number;
    body?: string;
    notBefore?: Date;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'ConnectorError';
    this.kind = options.kind;
    this.status = options.status;
    this.body = options.body;
    this.notBefore = options.notBefore;
  }
}

/**
 * The vendor has no user for the assignee the hub was asked to set
 * (docs/sync-semantics.md#people). The hub leaves the ticket's assignee as it is, sends the
 * rest of the change, and notes the reason on the incident's timeline; nothing is blanked.
 * @public
 */
export class UnmatchedAssigneeError extends ConnectorError {
  /** The assignee value that found no user. */
  readonly assignee: string;

  constructor(options: { assignee: string; reason: string }) {
    super({ message: options.reason, kind: 'permanent' });
    this.name = 'UnmatchedAssigneeError';
    this.assignee = options.assignee;
  }
}

/** A webhook body that is authentic but cannot be understood. @public */
export class WebhookParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookParseError';
  }
}

const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** Whether an HTTP status is worth retrying (DESIGN.md "Retries"). @public */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || RETRYABLE_4XX.has(status);
}

/**
 * When a rate-limited vendor may be called again, from `Retry-After` (seconds or an HTTP
 * date) or the vendor's reset headers (`X-RateLimit-Reset` epoch seconds,
 * `ratelimit-reset` seconds from now). Undefined when none says.
 * @public
 */
export function rateLimitResetFrom(
  headers: { get(name: string): string | null },
  now: Date = new Date(),
): Date | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
      return new Date(now.getTime() + Number(trimmed) * 1000);
    }
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return new Date(date);
  }
  const xReset = headers.get('x-ratelimit-reset');
  if (xReset && /^\d+$/.test(xReset.trim())) {
    const n = Number(xReset.trim());
    // Epoch seconds when large, seconds-from-now when small.
    return n > 1e9 ? new Date(n * 1000) : new Date(now.getTime() + n * 1000);
  }
  if (xReset && !Number.isNaN(Date.parse(xReset)))
    return new Date(Date.parse(xReset));
  const reset = headers.get('ratelimit-reset');
  if (reset && /^\d+$/.test(reset.trim())) {
    return new Date(now.getTime() + Number(reset.trim()) * 1000);
  }
  return undefined;
}
