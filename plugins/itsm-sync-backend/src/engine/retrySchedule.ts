/**
 * The retry schedule (docs/sync-semantics.md#retry-schedule): attempt 1 immediate, then 30 s, 2 min, 8 min, 30 min;
 * after 5 failures the change goes to the DLQ. Delays are seconds after a failure.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS = [30, 120, 480, 1800];

/** What to do after a failed attempt. */
export type RetryDecision =
  { action: 'retry'; delayMs: number } | { action: 'dead-letter' };

/** A multiplier outside (0, ∞) would stall or hammer the vendor; such values mean "as scheduled". */
function effectiveMultiplier(multiplier: number): number {
  return Number.isFinite(multiplier) && multiplier > 0 ? multiplier : 1;
}

function delayMs(seconds: number, multiplier: number): number {
  return Math.round(seconds * 1000 * effectiveMultiplier(multiplier));
}

/**
 * @param failedAttempts - failures so far, including the one just seen (1-based)
 * @param delaysSeconds - delay before attempt n+1 after failure n
 * @param multiplier - the integration's `backoff_multiplier`, stretches every delay
 */
export function decideRetry(
  failedAttempts: number,
  delaysSeconds: number[] = DEFAULT_RETRY_DELAYS_SECONDS,
  multiplier = 1,
): RetryDecision {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) {
    throw new RangeError(
      `decideRetry needs the number of failures so far (1 or more), got ${failedAttempts}`,
    );
  }
  if (failedAttempts > delaysSeconds.length) return { action: 'dead-letter' };
  return {
    action: 'retry',
    delayMs: delayMs(delaysSeconds[failedAttempts - 1], multiplier),
  };
}

/** Total attempts before the DLQ (the immediate one plus one per delay). */
export function maxAttempts(
  delaysSeconds: number[] = DEFAULT_RETRY_DELAYS_SECONDS,
): number {
  return delaysSeconds.length + 1;
}

/**
 * When a rate-limited call may be made again: the vendor's reset when it gave one in the
 * future, else the schedule. A 429 does not spend an attempt, so the attempt is repeated
 * after the same delay that led up to it (the first delay when it was the immediate
 * first attempt), stretched by the multiplier like any other delay.
 *
 * @param failedAttempts - failures before the rate-limited attempt (not counting it)
 */
export function rateLimitedUntil(
  now: number,
  vendorReset: Date | undefined,
  failedAttempts: number,
  delaysSeconds: number[] = DEFAULT_RETRY_DELAYS_SECONDS,
  multiplier = 1,
): number {
  if (vendorReset && vendorReset.getTime() > now) return vendorReset.getTime();
  const schedule = delaysSeconds.length
    ? delaysSeconds
    : DEFAULT_RETRY_DELAYS_SECONDS;
  const index = Math.min(Math.max(failedAttempts - 1, 0), schedule.length - 1);
  return now + delayMs(schedule[index], multiplier);
}
