/**
 * Spec 000 "Automatic Retry": attempt 1 immediate, then 30 s, 2 min, 8 min, 30 min;
 * after 5 failures the change goes to the DLQ. Delays are seconds after a failure.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS = [30, 120, 480, 1800];

/** What to do after a failed attempt. */
export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'dead-letter' };

/**
 * @param failedAttempts - failures so far, including the one just seen (1-based)
 * @param delaysSeconds - delay before attempt n+1 after failure n
 * @param multiplier - spec 002 `--backoff-multiplier`, stretches every delay
 */
export function decideRetry(
  failedAttempts: number,
  delaysSeconds: number[] = DEFAULT_RETRY_DELAYS_SECONDS,
  multiplier = 1,
): RetryDecision {
  if (failedAttempts > delaysSeconds.length) return { action: 'dead-letter' };
  const delay = delaysSeconds[failedAttempts - 1];
  return { action: 'retry', delayMs: Math.round(delay * 1000 * multiplier) };
}

/** Total attempts before the DLQ (the immediate one plus one per delay). */
export function maxAttempts(delaysSeconds: number[] = DEFAULT_RETRY_DELAYS_SECONDS): number {
  return delaysSeconds.length + 1;
}

/**
 * When a rate-limited call may be made again: the vendor's reset when it gave one,
 * else the schedule's next delay (without spending an attempt).
 */
export function rateLimitedUntil(
  now: number,
  vendorReset: Date | undefined,
  failedAttempts: number,
  delaysSeconds: number[] = DEFAULT_RETRY_DELAYS_SECONDS,
  multiplier = 1,
): number {
  if (vendorReset && vendorReset.getTime() > now) return vendorReset.getTime();
  const index = Math.min(Math.max(failedAttempts, 0), delaysSeconds.length - 1);
  return now + Math.round(delaysSeconds[index] * 1000 * multiplier);
}
