import {
  addHistogram,
  emptyHistogram,
  recordLatency,
  type LatencyHistogram,
} from '../engine/latencyHistogram';
import type { LatencyMinute } from '../store/MetricSeriesRepository';

const MINUTE = 60_000;
/** Minutes a failing flush keeps in memory before giving them up, so memory stays bounded. */
const KEEP_UNFLUSHED_MINUTES = 60;

/**
 * Propagation latencies of this replica's deliveries, per integration and minute, in memory
 * (docs/sync-semantics.md#metric-series): the acknowledgement path adds to a histogram and
 * writes nothing; finished minutes are flushed once a minute in one statement.
 */
export class LatencyRecorder {
  private readonly minutes = new Map<number, Map<string, LatencyHistogram>>();

  record(integrationId: string, latencyMs: number, at: number): void {
    const minute = Math.floor(at / MINUTE) * MINUTE;
    let byIntegration = this.minutes.get(minute);
    if (!byIntegration) {
      byIntegration = new Map();
      this.minutes.set(minute, byIntegration);
    }
    let histogram = byIntegration.get(integrationId);
    if (!histogram) {
      histogram = emptyHistogram();
      byIntegration.set(integrationId, histogram);
    }
    recordLatency(histogram, latencyMs);
  }

  /** Takes out the minutes that ended by `now`, to be stored. */
  drainFinished(now: number): LatencyMinute[] {
    const current = Math.floor(now / MINUTE) * MINUTE;
    const out: LatencyMinute[] = [];
    for (const [minute, byIntegration] of this.minutes) {
      if (minute >= current) continue;
      for (const [integration_id, buckets] of byIntegration)
        out.push({ integration_id, minute, buckets });
      this.minutes.delete(minute);
    }
    return out;
  }

  /** Puts back minutes whose flush failed, for the next one; very old ones are given up. */
  restore(minutes: LatencyMinute[], now: number): void {
    const oldest = now - KEEP_UNFLUSHED_MINUTES * MINUTE;
    for (const m of minutes) {
      if (m.minute < oldest) continue;
      let byIntegration = this.minutes.get(m.minute);
      if (!byIntegration) {
        byIntegration = new Map();
        this.minutes.set(m.minute, byIntegration);
      }
      const histogram = byIntegration.get(m.integration_id) ?? emptyHistogram();
      addHistogram(histogram, m.buckets);
      byIntegration.set(m.integration_id, histogram);
    }
  }

  /** Copies of an integration's minutes not stored yet (the current one at least), for a live series. */
  unflushed(integrationId: string): LatencyMinute[] {
    const out: LatencyMinute[] = [];
    for (const [minute, byIntegration] of this.minutes) {
      const histogram = byIntegration.get(integrationId);
      if (histogram)
        out.push({
          integration_id: integrationId,
          minute,
          buckets: [...histogram],
        });
    }
    return out;
  }
}
