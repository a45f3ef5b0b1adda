import type { Knex } from 'knex';
import {
  SYNC_METRICS,
  type SyncMetric,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { chunks } from './chunks';
import { json, num } from './rows';

const MINUTES = 'integration_metric_minutes';
const LATENCIES = 'integration_latency_minutes';

/** An integration's counters and queue sizes at one moment. */
export interface IntegrationSample {
  integration_id: string;
  counters: Record<SyncMetric, number>;
  outbox_pending: number;
  dlq_size: number;
  pending_conflicts: number;
}

/** A stored sample, stamped with the start of its minute (epoch ms). */
export interface MinuteSample extends IntegrationSample {
  minute: number;
}

/** One replica's latency histogram of one integration and minute. */
export interface LatencyMinute {
  integration_id: string;
  minute: number;
  buckets: number[];
}

function zeroCounters(): Record<SyncMetric, number> {
  return Object.fromEntries(SYNC_METRICS.map(m => [m, 0])) as Record<
    SyncMetric,
    number
  >;
}

/**
 * The per-minute history behind the metric charts (docs/sync-semantics.md#metric-series):
 * samples of every integration's counters and queues, taken once a minute by one replica,
 * and the latency histograms each replica flushes once a minute. Nothing here is written
 * per change.
 */
export class MetricSeriesRepository {
  constructor(private readonly db: Knex) {}

  /** Every integration's counters and queue sizes now, in four grouped reads. */
  async sampleAll(): Promise<IntegrationSample[]> {
    const [integrations, counters, outbox, dlq, conflicts] = await Promise.all([
      this.db('integrations').select('id'),
      this.db('integration_metrics').select(
        'integration_id',
        'metric',
        'value',
      ),
      this.countBy('outbox', { state: 'pending' }),
      this.countBy('dlq', { state: 'failed' }),
      this.countBy('conflicts', { status: 'pending' }),
    ]);
    const samples = new Map<string, IntegrationSample>();
    for (const { id } of integrations) {
      samples.set(id, {
        integration_id: id,
        counters: zeroCounters(),
        outbox_pending: outbox.get(id) ?? 0,
        dlq_size: dlq.get(id) ?? 0,
        pending_conflicts: conflicts.get(id) ?? 0,
      });
    }
    for (const row of counters) {
      const sample = samples.get(row.integration_id);
      if (sample && row.metric in sample.counters)
        sample.counters[row.metric as SyncMetric] = num(row.value);
    }
    return [...samples.values()];
  }

  /** Stores the samples of one minute; a second sample in the same minute replaces the first. */
  async writeMinute(
    minute: number,
    samples: IntegrationSample[],
  ): Promise<void> {
    const rows = samples.map(s => ({
      integration_id: s.integration_id,
      minute,
      counters: JSON.stringify(s.counters),
      outbox_pending: s.outbox_pending,
      dlq_size: s.dlq_size,
      pending_conflicts: s.pending_conflicts,
    }));
    for (const part of chunks(rows)) {
      await this.db(MINUTES)
        .insert(part)
        .onConflict(['integration_id', 'minute'])
        .merge();
    }
  }

  /**
   * An integration's samples from `from` on, oldest first, with the last one before `from`
   * (the baseline of the first minute's difference).
   */
  async readMinutes(
    integrationId: string,
    from: number,
  ): Promise<MinuteSample[]> {
    const [before, rows] = await Promise.all([
      this.db(MINUTES)
        .where({ integration_id: integrationId })
        .andWhere('minute', '<', from)
        .orderBy('minute', 'desc')
        .first(),
      this.db(MINUTES)
        .where({ integration_id: integrationId })
        .andWhere('minute', '>=', from)
        .orderBy('minute', 'asc'),
    ]);
    return [...(before ? [before] : []), ...rows].map(r => ({
      integration_id: r.integration_id,
      minute: num(r.minute),
      counters: { ...zeroCounters(), ...json(r.counters, {}) },
      outbox_pending: num(r.outbox_pending),
      dlq_size: num(r.dlq_size),
      pending_conflicts: num(r.pending_conflicts),
    }));
  }

  /** Stores one replica's finished minutes; written again (after a failed flush) it replaces. */
  async writeLatencies(
    replica: string,
    minutes: LatencyMinute[],
  ): Promise<void> {
    const rows = minutes.map(m => ({
      integration_id: m.integration_id,
      minute: m.minute,
      replica,
      buckets: JSON.stringify(m.buckets),
    }));
    for (const part of chunks(rows)) {
      await this.db(LATENCIES)
        .insert(part)
        .onConflict(['integration_id', 'minute', 'replica'])
        .merge();
    }
  }

  /** An integration's latency histograms from `from` on, every replica's. */
  async readLatencies(
    integrationId: string,
    from: number,
  ): Promise<LatencyMinute[]> {
    const rows = await this.db(LATENCIES)
      .where({ integration_id: integrationId })
      .andWhere('minute', '>=', from)
      .orderBy('minute', 'asc');
    return rows.map(r => ({
      integration_id: r.integration_id,
      minute: num(r.minute),
      buckets: json<number[]>(r.buckets, []),
    }));
  }

  /**
   * Deletes minutes before `before`; returns how many rows went. Pruned hourly, that is
   * some sixty rows per integration and replica, so one statement per table suffices.
   */
  async prune(before: number): Promise<number> {
    let total = 0;
    for (const table of [MINUTES, LATENCIES])
      total += await this.db(table).where('minute', '<', before).delete();
    return total;
  }

  private async countBy(
    table: string,
    where: Record<string, string>,
  ): Promise<Map<string, number>> {
    const rows: Array<{ integration_id: string; n: unknown }> = await this.db(
      table,
    )
      .where(where)
      .groupBy('integration_id')
      .select('integration_id', this.db.raw('count(*) as n'));
    return new Map(rows.map(r => [String(r.integration_id), num(r.n)]));
  }
}
