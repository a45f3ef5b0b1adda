import {
  addHistogram,
  emptyHistogram,
  histogramCount,
  latencyQuantile,
  recordLatency,
} from './latencyHistogram';

describe('latencyHistogram', () => {
  it('estimates p50 and p95 within the bucket resolution', () => {
    const h = emptyHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordLatency(h, ms);
    const p50 = latencyQuantile(h, 0.5)!;
    const p95 = latencyQuantile(h, 0.95)!;
    expect(Math.abs(p50 - 500) / 500).toBeLessThan(0.13);
    expect(Math.abs(p95 - 950) / 950).toBeLessThan(0.13);
  });

  it('adds histograms of several replicas before taking percentiles', () => {
    const fast = emptyHistogram();
    const slow = emptyHistogram();
    for (let i = 0; i < 90; i++) recordLatency(fast, 20);
    for (let i = 0; i < 10; i++) recordLatency(slow, 5000);
    const sum = emptyHistogram();
    addHistogram(sum, fast);
    addHistogram(sum, slow);
    expect(histogramCount(sum)).toBe(100);
    expect(latencyQuantile(sum, 0.5)).toBeLessThan(25);
    expect(latencyQuantile(sum, 0.95)).toBeGreaterThan(4000);
  });

  it('has no percentile without samples, and keeps negative and huge values in range', () => {
    const h = emptyHistogram();
    expect(latencyQuantile(h, 0.5)).toBeNull();
    recordLatency(h, -5);
    recordLatency(h, 1e12);
    expect(histogramCount(h)).toBe(2);
    expect(latencyQuantile(h, 0.5)).toBe(1);
    expect(latencyQuantile(h, 1)).toBeGreaterThan(3_000_000);
  });
});
