import { WebhookRateLimiter } from './WebhookRateLimiter';

describe('WebhookRateLimiter', () => {
  let now = 0;
  const clock = { now: () => now };

  it('allows a burst, then the sustained rate, and says how long to wait', () => {
    const limiter = new WebhookRateLimiter(
      { requestsPerSecond: 2, burst: 3 },
      clock,
    );
    expect([1, 2, 3].map(() => limiter.take('10.0.0.1', 'i1'))).toEqual([
      0, 0, 0,
    ]);
    expect(limiter.take('10.0.0.1', 'i1')).toBe(500);
    now += 500;
    expect(limiter.take('10.0.0.1', 'i1')).toBe(0);
    expect(limiter.take('10.0.0.1', 'i1')).toBe(500);
  });

  it('counts each source and integration apart', () => {
    const limiter = new WebhookRateLimiter(
      { requestsPerSecond: 1, burst: 1 },
      clock,
    );
    expect(limiter.take('10.0.0.1', 'i1')).toBe(0);
    expect(limiter.take('10.0.0.1', 'i1')).toBeGreaterThan(0);
    expect(limiter.take('10.0.0.2', 'i1')).toBe(0);
    expect(limiter.take('10.0.0.1', 'i2')).toBe(0);
  });

  it('gives a source one budget across integrations too, so made-up ids buy it nothing', () => {
    const limiter = new WebhookRateLimiter(
      { requestsPerSecond: 1, burst: 2 },
      clock,
    );
    const answers = Array.from({ length: 10 }, (_, i) =>
      limiter.take('10.0.0.9', `guess-${i}`),
    );
    // Four times one integration's burst, then refused whichever id it names.
    expect(answers).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 250, 250]);
    expect(limiter.take('10.0.0.10', 'guess-0')).toBe(0);
  });

  it('keeps a bounded number of buckets whatever the callers send', () => {
    const limiter = new WebhookRateLimiter(
      { requestsPerSecond: 1, burst: 1 },
      clock,
    );
    expect(limiter.take('10.0.0.1', 'first')).toBe(0);
    expect(limiter.take('10.0.0.1', 'first')).toBeGreaterThan(0);
    // 10 000 other keys later the oldest bucket is gone (memory stays bounded); a recent one is kept.
    for (let i = 0; i < 10_000; i++)
      limiter.take(`10.1.${i >> 8}.${i & 255}`, `made-up-${i}`);
    expect(limiter.take('10.1.39.15', 'made-up-9999')).toBeGreaterThan(0);
    expect(limiter.take('10.0.0.1', 'first')).toBe(0);
  });
});
