import type { Clock } from '../sync/Clock';

/** How many requests a source may make to one integration's webhook routes. */
export interface WebhookRateLimit {
  /** Sustained rate, requests per second. */
  requestsPerSecond: number;
  /** Requests allowed at once above the sustained rate (a vendor's burst). */
  burst: number;
}

export const DEFAULT_WEBHOOK_RATE_LIMIT: WebhookRateLimit = { requestsPerSecond: 50, burst: 500 };

/** Buckets kept at most; the least recently used go first (the key is partly the caller's choice). */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per (source address, integration) for the unauthenticated webhook routes,
 * in this replica's memory: a flood or a signature guessing run costs the caller 429s
 * before any body is read or database touched, and one noisy source does not spend another
 * source's budget. Each replica counts on its own, so N replicas allow N times the rate.
 */
export class WebhookRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: WebhookRateLimit,
    private readonly clock: Clock,
  ) {}

  /** Takes one request's token; answers 0 when allowed, else the milliseconds until one is free. */
  take(source: string, integration: string): number {
    const key = `${source}\u0000${integration}`;
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.requestsPerSecond);
    bucket.at = now;
    // Re-inserted, so the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.limit.requestsPerSecond) * 1000);
  }
}
