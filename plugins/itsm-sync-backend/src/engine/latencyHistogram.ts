/**
 * Propagation latencies as counts in fixed buckets, so the histograms of several replicas
 * and minutes add up and percentiles come from the sum (docs/sync-semantics.md#metric-series).
 * Bucket i holds latencies up to BOUNDS[i] ms; each bound is 1.25 times the one before (from
 * 1 ms to about 3 hours), so an estimate is within 12% of the true value; the last bucket
 * holds the rest.
 */
const GROWTH = 1.25;
const BOUNDS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let b = 1; b < 3 * 3_600_000; b *= GROWTH) bounds.push(Math.round(b));
  return bounds;
})();

/** The number of buckets; a histogram is an array this long. */
const LATENCY_BUCKETS = BOUNDS.length + 1;

export type LatencyHistogram = number[];

export function emptyHistogram(): LatencyHistogram {
  return new Array(LATENCY_BUCKETS).fill(0);
}

export function recordLatency(histogram: LatencyHistogram, ms: number): void {
  const value = Math.max(0, ms);
  let low = 0;
  let high = BOUNDS.length;
  // The first bound not below the value (binary search: this runs once per delivery).
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (BOUNDS[mid] < value) low = mid + 1;
    else high = mid;
  }
  histogram[low] += 1;
}

/** Adds `from` into `into`; a stored histogram of another length is read as far as both go. */
export function addHistogram(
  into: LatencyHistogram,
  from: readonly number[],
): void {
  const n = Math.min(into.length, from.length);
  for (let i = 0; i < n; i++) into[i] += Number(from[i]) || 0;
}

export function histogramCount(histogram: readonly number[]): number {
  return histogram.reduce((sum, n) => sum + n, 0);
}

/**
 * The `q` quantile (0..1) in ms, as the geometric middle of the bucket that holds it;
 * null for an empty histogram.
 */
export function latencyQuantile(
  histogram: readonly number[],
  q: number,
): number | null {
  const total = histogramCount(histogram);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) {
      if (i >= BOUNDS.length) return BOUNDS[BOUNDS.length - 1];
      const upper = BOUNDS[i];
      const lower = i === 0 ? 0 : BOUNDS[i - 1];
      return i === 0 ? upper : Math.round(Math.sqrt(lower * upper));
    }
  }
  return BOUNDS[BOUNDS.length - 1];
}
