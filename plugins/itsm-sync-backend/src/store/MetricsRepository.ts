import type { Knex } from 'knex';
import { isPostgres } from './dialect';
import {
  SYNC_METRICS,
  type SyncMetric,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { chunks } from './chunks';
import { num } from './rows';

/** Counters in a stable order, so two writers lock them in the same order. */
export function inLockOrder<
  T extends { integration_id: string; metric: string },
>(counts: readonly T[]): T[] {
  return [...counts].sort(
    (a, b) =>
      a.integration_id.localeCompare(b.integration_id) ||
      a.metric.localeCompare(b.metric),
  );
}

/** The sync counters (docs/sync-semantics.md#sync-metrics), kept in the database so every replica adds to one total. */
export class MetricsRepository {
  constructor(private readonly db: Knex) {}

  async increment(
    integrationId: string,
    metric: SyncMetric,
    by = 1,
    tx: Knex = this.db,
  ): Promise<void> {
    if (by === 0) return;
    for (const statement of MetricsRepository.incrementStatements(tx, [
      { integration_id: integrationId, metric, value: by },
    ])) {
      await statement;
    }
  }

  /**
   * Adds many counts with one upsert per chunk, unrun (for `writeTogether`); rows in a
   * stable order, so two writers lock counters in the same order.
   */
  static incrementStatements(
    tx: Knex,
    counts: Array<{ integration_id: string; metric: string; value: number }>,
  ): Array<Knex.QueryBuilder | Knex.Raw> {
    const rows = inLockOrder(counts);
    if (!rows.length) return [];
    if (isPostgres(tx)) {
      return [
        tx.raw(
          `INSERT INTO integration_metrics (integration_id, metric, value)
  SELECT t.integration_id, t.metric, t.value FROM unnest(?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS t(integration_id, metric, value, n) ORDER BY t.n
  ON CONFLICT (integration_id, metric) DO UPDATE SET value = integration_metrics.value + excluded.value`,
          [
            rows.map(r => r.integration_id),
            rows.map(r => r.metric),
            rows.map(r => r.value),
          ] as Knex.RawBinding[],
        ),
      ];
    }
    return chunks(rows).map(part =>
      tx('integration_metrics')
        .insert(part)
        .onConflict(['integration_id', 'metric'])
        .merge({
          value: tx.raw('?? + ??', [
            'integration_metrics.value',
            'excluded.value',
          ]),
        }),
    );
  }

  async read(integrationId: string): Promise<Record<SyncMetric, number>> {
    const out = Object.fromEntries(SYNC_METRICS.map(m => [m, 0])) as Record<
      SyncMetric,
      number
    >;
    const rows = await this.db('integration_metrics').where({
      integration_id: integrationId,
    });
    for (const r of rows)
      if (r.metric in out) out[r.metric as SyncMetric] = num(r.value);
    return out;
  }
}
