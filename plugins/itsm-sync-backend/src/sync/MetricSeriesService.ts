import type {
  MetricSeriesResponse,
  MetricSeriesWindow,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  buildSeries,
  seriesRange,
  SERIES_WINDOWS,
} from '../engine/metricSeries';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';
import type { LatencyRecorder } from './LatencyRecorder';

/**
 * An integration's sync over the last hour, day or week, for the charts
 * (docs/sync-semantics.md#metric-series): the stored minutes, and the minute in progress
 * from the counters now and this replica's latencies not flushed yet.
 */
export class MetricSeriesService {
  constructor(
    private readonly store: SyncStore,
    private readonly latencies: LatencyRecorder,
    private readonly clock: Clock,
  ) {}

  async series(
    integration: IntegrationRecord,
    window: MetricSeriesWindow,
  ): Promise<MetricSeriesResponse> {
    const now = this.clock.now();
    const { from, stepMs } = seriesRange(window, now);
    const id = integration.id;
    const [samples, stored, counters, outbox, dlq, conflicts] =
      await Promise.all([
        this.store.metricSeries.readMinutes(id, from),
        this.store.metricSeries.readLatencies(id, from),
        this.store.metrics.read(id),
        this.store.outbox.pendingCount(id),
        this.store.dlq.size(id),
        this.store.conflicts.pendingCount(id),
      ]);
    const points = buildSeries({
      window,
      now,
      samples,
      live: {
        counters,
        outbox_pending: outbox,
        dlq_size: dlq,
        pending_conflicts: conflicts,
      },
      latencies: [...stored, ...this.latencies.unflushed(id)],
      integrationCreatedAt: integration.created_at,
    });
    return {
      integration_id: id,
      window,
      step_seconds: stepMs / 1000,
      points,
    };
  }
}

/** How long the minutes are kept: the longest window and a day to spare. */
export const METRIC_SERIES_RETENTION_MS =
  (SERIES_WINDOWS['1w'].minutes + 1440) * 60_000;
