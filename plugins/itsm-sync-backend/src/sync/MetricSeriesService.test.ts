import { mockServices } from '@backstage/backend-test-utils';
import {
  createStoreTestDatabases,
  givenIntegration,
  migratedStore,
} from '../store/__testUtils__/storeTestDatabases';
import { LatencyRecorder } from './LatencyRecorder';
import { MetricSeriesSampler } from './MetricSeriesSampler';
import { MetricSeriesService } from './MetricSeriesService';

jest.setTimeout(60_000);

const MINUTE = 60_000;
// A whole hour, so the 1h window's steps line up with the minutes below.
const T0 = Date.UTC(2026, 11, 6, 10, 0, 0);

describe('metric series (per-minute aggregates)', () => {
  const databases = createStoreTestDatabases();

  it.each(databases.eachSupportedId())(
    'turns the minutes sampled from the counters into per-minute rates, queues and latency percentiles (%p)',
    async id => {
      const store = await migratedStore(databases, id);
      let now = T0 - 120 * MINUTE;
      const clock = { now: () => now };
      const integration = await givenIntegration(store, {}, [], now);
      const other = await givenIntegration(store, {}, [], now);
      const latencies = new LatencyRecorder();
      const sampler = new MetricSeriesSampler({
        store,
        latencies,
        clock,
        logger: mockServices.logger.mock(),
      });
      const service = new MetricSeriesService(store, latencies, clock);

      // Baseline at 10:05, then 12 deliveries and 3 inbound changes by 10:06, a failure by 10:07.
      now = T0 + 5 * MINUTE + 10_000;
      await store.metrics.increment(integration.id, 'outbound_success', 100);
      await sampler.sample();
      now = T0 + 6 * MINUTE + 5_000;
      await store.metrics.increment(integration.id, 'outbound_success', 12);
      await store.metrics.increment(integration.id, 'inbound_success', 3);
      await store.metrics.increment(other.id, 'outbound_success', 99);
      for (let i = 0; i < 10; i++) latencies.record(integration.id, 200, now);
      await sampler.sample();
      now = T0 + 7 * MINUTE + 1_000;
      await store.metrics.increment(integration.id, 'outbound_failed', 1);
      await store.metrics.increment(integration.id, 'conflicts_detected', 2);
      await sampler.flushLatencies();
      await sampler.sample();
      // The minute in progress (10:08) comes from the counters now, without a sample yet.
      now = T0 + 8 * MINUTE + 30_000;
      await store.metrics.increment(integration.id, 'outbound_success', 7);
      latencies.record(integration.id, 4_000, now);

      const series = await service.series(integration, '1h');
      expect(series.step_seconds).toBe(60);
      expect(series.points).toHaveLength(60);
      const at = (minute: number) =>
        series.points.find(
          p => p.at === new Date(T0 + minute * MINUTE).toISOString(),
        )!;
      // 10:05 is the first sample of an integration older than the window: no activity known.
      expect(at(5)).toMatchObject({ outbound_per_minute: 0, failures: 0 });
      expect(at(6)).toMatchObject({
        outbound_per_minute: 12,
        inbound_per_minute: 3,
        failures: 0,
        outbox_backlog: 0,
        dlq_size: 0,
      });
      expect(at(6).latency_p50_ms).toBeGreaterThan(180);
      expect(at(6).latency_p50_ms).toBeLessThan(225);
      expect(at(7)).toMatchObject({
        outbound_per_minute: 0,
        failures: 1,
        conflicts: 2,
      });
      expect(at(8)).toMatchObject({ outbound_per_minute: 7 });
      expect(at(8).latency_p95_ms).toBeGreaterThan(3_500);
      // Minutes without a sample are gaps, not zeros.
      expect(at(-20)).toMatchObject({
        outbound_per_minute: null,
        outbox_backlog: null,
      });
      // The window ends with the minute in progress.
      expect(series.points[59].at).toBe(
        new Date(T0 + 8 * MINUTE).toISOString(),
      );

      const day = await service.series(integration, '1d');
      expect(day.step_seconds).toBe(600);
      expect(day.points).toHaveLength(144);
      // 10:00-10:10 is the step in progress, 9 minutes long so far; the integration was created
      // inside this window, so its first sample's 100 deliveries count too: 119 / 9.
      expect(day.points[143]).toMatchObject({
        outbound_per_minute: 13.22,
        failures: 1,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'counts an integration created inside the window from zero, and prunes minutes past the retention (%p)',
    async id => {
      const store = await migratedStore(databases, id);
      let now = T0;
      const clock = { now: () => now };
      const latencies = new LatencyRecorder();
      const sampler = new MetricSeriesSampler({
        store,
        latencies,
        clock,
        logger: mockServices.logger.mock(),
        retentionMs: 10 * MINUTE,
      });
      const service = new MetricSeriesService(store, latencies, clock);
      const integration = await givenIntegration(store, {}, [], now);
      await store.metrics.increment(integration.id, 'outbound_success', 5);
      now += 30_000;
      const fresh = await service.series(integration, '1h');
      expect(fresh.points[59]).toMatchObject({ outbound_per_minute: 5 });

      latencies.record(integration.id, 50, now);
      await sampler.sample();
      now += MINUTE;
      await sampler.flushLatencies();
      now += 20 * MINUTE;
      await sampler.sample();
      const later = await service.series(integration, '1h');
      const sampled = later.points.filter(p => p.outbound_per_minute !== null);
      // The first minute went with the retention; only the latest sample is left.
      expect(sampled).toHaveLength(1);
      expect(later.points.every(p => p.latency_p50_ms === null)).toBe(true);
    },
  );
});
