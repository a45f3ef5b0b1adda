import {
  DEFAULT_RETRY_DELAYS_SECONDS,
  decideRetry,
  maxAttempts,
  rateLimitedUntil,
} from './retrySchedule';

const NOW = 1_700_000_000_000;

describe('decideRetry (the retry schedule)', () => {
  it('keeps the spec schedule by default: 30 s, 2 min, 8 min, 30 min', () => {
    expect(DEFAULT_RETRY_DELAYS_SECONDS).toEqual([30, 120, 480, 1800]);
  });

  it.each([
    [1, 30_000],
    [2, 120_000],
    [3, 480_000],
    [4, 1_800_000],
  ])('after failure %i the next attempt waits %i ms', (failures, delay) => {
    expect(decideRetry(failures)).toEqual({ action: 'retry', delayMs: delay });
  });

  it('moves the change to the DLQ after the fifth failure', () => {
    expect(decideRetry(5)).toEqual({ action: 'dead-letter' });
    expect(decideRetry(6)).toEqual({ action: 'dead-letter' });
  });

  it('makes five attempts in all: one immediate plus one per delay', () => {
    expect(maxAttempts()).toBe(5);
    let failures = 0;
    let attempts = 1; // the immediate first attempt
    for (;;) {
      failures += 1;
      if (decideRetry(failures).action === 'dead-letter') break;
      attempts += 1;
    }
    expect(attempts).toBe(5);
    expect(failures).toBe(5);
  });

  it('follows a configured schedule', () => {
    expect(decideRetry(1, [1, 2])).toEqual({ action: 'retry', delayMs: 1_000 });
    expect(decideRetry(2, [1, 2])).toEqual({ action: 'retry', delayMs: 2_000 });
    expect(decideRetry(3, [1, 2])).toEqual({ action: 'dead-letter' });
    expect(maxAttempts([1, 2])).toBe(3);
  });

  it('dead-letters at the first failure with an empty schedule', () => {
    expect(decideRetry(1, [])).toEqual({ action: 'dead-letter' });
    expect(maxAttempts([])).toBe(1);
  });

  it.each([
    [2, [60_000, 240_000, 960_000, 3_600_000]],
    [0.5, [15_000, 60_000, 240_000, 900_000]],
  ])(
    'stretches every delay by the backoff multiplier %d',
    (multiplier, delays) => {
      expect(
        [1, 2, 3, 4].map(
          n =>
            (decideRetry(n, undefined, multiplier) as { delayMs: number })
              .delayMs,
        ),
      ).toEqual(delays);
      expect(decideRetry(5, undefined, multiplier)).toEqual({
        action: 'dead-letter',
      });
    },
  );

  it.each([0, -1, NaN, Infinity])(
    'treats the nonsensical multiplier %d as 1',
    multiplier => {
      expect(decideRetry(1, undefined, multiplier)).toEqual({
        action: 'retry',
        delayMs: 30_000,
      });
    },
  );

  it.each([0, -1, 1.5])('refuses %d failures with a clear error', failures => {
    expect(() => decideRetry(failures)).toThrow(/number of failures so far/);
  });
});

describe('rateLimitedUntil (a 429 does not spend an attempt)', () => {
  it("prefers the vendor's reset time", () => {
    const reset = new Date(NOW + 42_000);
    expect(rateLimitedUntil(NOW, reset, 0)).toBe(NOW + 42_000);
    expect(rateLimitedUntil(NOW, reset, 3, [1], 10)).toBe(NOW + 42_000);
  });

  it('ignores a vendor reset that is already past and uses the schedule', () => {
    expect(rateLimitedUntil(NOW, new Date(NOW - 1), 0)).toBe(NOW + 30_000);
    expect(rateLimitedUntil(NOW, new Date(NOW), 0)).toBe(NOW + 30_000);
  });

  it.each([
    // failures before the rate-limited attempt -> the delay that led up to that attempt
    [0, 30_000],
    [1, 30_000],
    [2, 120_000],
    [3, 480_000],
    [4, 1_800_000],
    [9, 1_800_000],
  ])(
    'without a vendor reset, after %i failures waits %i ms, repeating the same attempt',
    (failures, wait) => {
      expect(rateLimitedUntil(NOW, undefined, failures)).toBe(NOW + wait);
    },
  );

  it('stretches the scheduled wait by the multiplier', () => {
    expect(rateLimitedUntil(NOW, undefined, 2, undefined, 2)).toBe(
      NOW + 240_000,
    );
  });

  it('falls back to the spec schedule when the configured one is empty', () => {
    expect(rateLimitedUntil(NOW, undefined, 0, [])).toBe(NOW + 30_000);
  });
});
