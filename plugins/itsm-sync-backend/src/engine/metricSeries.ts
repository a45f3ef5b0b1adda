import type {
  MetricSeriesPoint,
  MetricSeriesWindow,
  SyncMetric,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  addHistogram,
  emptyHistogram,
  latencyQuantile,
} from './latencyHistogram';

const MINUTE = 60_000;

/** The span and step of each window (docs/sync-semantics.md#metric-series). */
export const SERIES_WINDOWS: Record<
  MetricSeriesWindow,
  { minutes: number; stepMinutes: number }
> = {
  '1h': { minutes: 60, stepMinutes: 1 },
  '1d': { minutes: 1440, stepMinutes: 10 },
  '1w': { minutes: 10080, stepMinutes: 60 },
};

/** Where a window's first step starts, and its step in ms. */
export function seriesRange(window: MetricSeriesWindow, now: number) {
  const { minutes, stepMinutes } = SERIES_WINDOWS[window];
  const stepMs = stepMinutes * MINUTE;
  const steps = minutes / stepMinutes;
  const current = Math.floor(now / stepMs) * stepMs;
  return { from: current - (steps - 1) * stepMs, stepMs, steps };
}

/** Counters' running totals and queue sizes at a minute. */
export interface SeriesSample {
  minute: number;
  counters: Record<SyncMetric, number>;
  outbox_pending: number;
  dlq_size: number;
  pending_conflicts: number;
}

/**
 * Turns stored samples into the window's steps: a minute's activity is the difference of
 * its counters to the sample before (a counter that went down starts again from zero);
 * `live` (the counters now) stands for the minute in progress. Without a sample before the
 * window, the first sample counts from zero only for an integration created in the window.
 */
export function buildSeries(input: {
  window: MetricSeriesWindow;
  now: number;
  /** Oldest first, possibly with one sample before the window. */
  samples: SeriesSample[];
  live: Omit<SeriesSample, 'minute'> | null;
  latencies: Array<{ minute: number; buckets: readonly number[] }>;
  integrationCreatedAt: number;
}): MetricSeriesPoint[] {
  const { from, stepMs, steps } = seriesRange(input.window, input.now);
  const samples = [...input.samples];
  if (input.live) {
    const minute = Math.floor(input.now / MINUTE) * MINUTE;
    if (samples.length && samples[samples.length - 1].minute >= minute)
      samples.pop();
    samples.push({ ...input.live, minute });
  }

  const points: Array<
    MetricSeriesPoint & { sampled: boolean; histogram: number[] }
  > = [];
  for (let i = 0; i < steps; i++) {
    points.push({
      at: new Date(from + i * stepMs).toISOString(),
      outbound_per_minute: null,
      inbound_per_minute: null,
      failures: null,
      conflicts: null,
      latency_p50_ms: null,
      latency_p95_ms: null,
      outbox_backlog: null,
      dlq_size: null,
      sampled: false,
      histogram: emptyHistogram(),
    });
  }
  const stepOf = (minute: number) => Math.floor((minute - from) / stepMs);

  samples.forEach((sample, i) => {
    const step = stepOf(sample.minute);
    if (step < 0 || step >= steps) return;
    const previous = i > 0 ? samples[i - 1] : undefined;
    const delta = (metric: SyncMetric) => {
      if (previous)
        return Math.max(0, sample.counters[metric] - previous.counters[metric]);
      return input.integrationCreatedAt >= from ? sample.counters[metric] : 0;
    };
    const p = points[step];
    if (!p.sampled) {
      p.sampled = true;
      p.outbound_per_minute = 0;
      p.inbound_per_minute = 0;
      p.failures = 0;
      p.conflicts = 0;
    }
    p.outbound_per_minute! += delta('outbound_success');
    p.inbound_per_minute! += delta('inbound_success');
    p.failures! += delta('outbound_failed') + delta('inbound_failed');
    p.conflicts! += delta('conflicts_detected');
    p.outbox_backlog = sample.outbox_pending;
    p.dlq_size = sample.dlq_size;
  });

  for (const l of input.latencies) {
    const step = stepOf(l.minute);
    if (step >= 0 && step < steps)
      addHistogram(points[step].histogram, l.buckets);
  }

  return points.map(({ sampled, histogram, ...p }, i) => {
    if (sampled) {
      // The step in progress has lasted only until now.
      const minutes =
        i === steps - 1
          ? Math.min(
              stepMs / MINUTE,
              Math.max(
                1,
                Math.ceil((input.now - (from + i * stepMs)) / MINUTE),
              ),
            )
          : stepMs / MINUTE;
      p.outbound_per_minute = round(p.outbound_per_minute! / minutes);
      p.inbound_per_minute = round(p.inbound_per_minute! / minutes);
    }
    p.latency_p50_ms = latencyQuantile(histogram, 0.5);
    p.latency_p95_ms = latencyQuantile(histogram, 0.95);
    return p;
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
