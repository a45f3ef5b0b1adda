import type { Clock } from '../sync/Clock';

/** How many requests a source may make to one integration's webhook routes. */
export interface WebhookRateLimit {
  /** Sustained rate, requests per second. */
  requestsPerSecond: number;
  /** Requests allowed at once above the sustained rate (a vendor's burst). */
  burst: number;
}

export const DEFAULT_WEBHOOK_RATE_LIMIT: WebhookRateLimit = {
  requestsPerSecond: 50,
  burst: 500,
};

/** Buckets kept at most; the least recently used go first (the key is partly the caller's choice). */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** A source's budget across all the integrations it calls, in multiples of one integration's. */
const SOURCE_FACTOR = 4;

/**
 * A token bucket per (source address, integration) for the unauthenticated webhook routes,
 * in this replica's memory: a flood or a signature guessing run costs the caller 429s
 * before any body is read or database touched, and one noisy source does not spend another
 * source's budget. A source also has one bucket across all integrations (four times one
 * integration's), so made-up integration ids do not buy it fresh budgets. Each replica
 * counts on its own, so N replicas allow N times the rate.
 */
export class WebhookRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: WebhookRateLimit,
    private readonly clock: Clock,
  ) {}

  /** Takes one request's token; answers 0 when allowed, else the milliseconds until one is free. */
  take(source: string, integration: string): number {
    const now = this.clock.now();
    const perIntegration = {
      rate: this.limit.requestsPerSecond,
      burst: this.limit.burst,
    };
    const perSource = {
      rate: perIntegration.rate * SOURCE_FACTOR,
      burst: perIntegration.burst * SOURCE_FACTOR,
    };
    const one = this.bucket(
      `${source}\u0000${integration}`,
      perIntegration,
      now,
    );
    const all = this.bucket(`${source}\u0001`, perSource, now);
    // A token is taken from both or neither, so a refused request spends nothing.
    if (one.tokens >= 1 && all.tokens >= 1) {
      one.tokens -= 1;
      all.tokens -= 1;
      return 0;
    }
    const wait = (b: Bucket, rate: number) =>
      b.tokens >= 1 ? 0 : ((1 - b.tokens) / rate) * 1000;
    return Math.ceil(
      Math.max(wait(one, perIntegration.rate), wait(all, perSource.rate)),
    );
  }

  /** A bucket refilled up to now; touched, so the map's order is least recently used first. */
  private bucket(
    key: string,
    limit: { rate: number; burst: number },
    now: number,
  ): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * limit.rate,
    );
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS)
      this.buckets.delete(this.buckets.keys().next().value!);
    return bucket;
  }
}
