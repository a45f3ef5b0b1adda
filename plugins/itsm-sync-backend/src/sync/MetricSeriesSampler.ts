import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';
import type { LatencyRecorder } from './LatencyRecorder';
import { METRIC_SERIES_RETENTION_MS } from './MetricSeriesService';

/**
 * Writes the per-minute history (docs/sync-semantics.md#metric-series): `sample` (one
 * replica, once a minute) stores every integration's counters and queue sizes and prunes
 * what is past the retention; `flushLatencies` (every replica, once a minute) stores the
 * replica's finished latency minutes.
 */
export class MetricSeriesSampler {
  /** Names this process's latency rows, so replicas never overwrite each other's. */
  readonly replica = `replica-${randomUUID()}`;

  constructor(
    private readonly options: {
      store: SyncStore;
      latencies: LatencyRecorder;
      clock: Clock;
      logger: LoggerService;
      retentionMs?: number;
    },
  ) {}

  async sample(): Promise<void> {
    const { store, clock } = this.options;
    const now = clock.now();
    const samples = await store.metricSeries.sampleAll();
    await store.metricSeries.writeMinute(
      Math.floor(now / 60_000) * 60_000,
      samples,
    );
    await store.metricSeries.prune(
      now - (this.options.retentionMs ?? METRIC_SERIES_RETENTION_MS),
    );
  }

  /** Stores the minutes that ended before `until` (at shutdown: all of them). */
  async flushLatencies(until?: number): Promise<void> {
    const { store, latencies, clock, logger } = this.options;
    const now = clock.now();
    const finished = latencies.drainFinished(until ?? now);
    if (!finished.length) return;
    try {
      await store.metricSeries.writeLatencies(this.replica, finished);
    } catch (error) {
      latencies.restore(finished, now);
      logger.warn(
        'Could not store delivery latencies; kept for the next minute',
        {
          error: String(error),
        },
      );
    }
  }
}
