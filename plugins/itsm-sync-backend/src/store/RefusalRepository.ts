import type { Knex } from 'knex';
import { MetricsRepository } from './MetricsRepository';
import { num } from './rows';
import { writeTogether } from './writeTogether';

const TABLE = 'webhook_refusals';
const MINUTE = 60_000;

/** Refusals of one integration for one reason within a time range. */
export interface RefusalCount {
  reason: string;
  count: number;
  last_at: number;
}

/**
 * Webhooks refused by verification, one row per integration, reason and minute (a flood
 * of forged deliveries costs a row a minute, not a row each), so that sync-status can
 * count those of the last hour. Each refusal also counts `inbound_failed`.
 */
export class RefusalRepository {
  constructor(private readonly db: Knex) {}

  /** Counts one refusal, with `inbound_failed`, in one round trip on Postgres. */
  async record(integrationId: string, reason: string, now: number) {
    const row = {
      integration_id: integrationId,
      reason: reason.slice(0, 200),
      minute: now - (now % MINUTE),
      count: 1,
      last_at: now,
    };
    await writeTogether(this.db, [
      this.db(TABLE)
        .insert(row)
        .onConflict(['integration_id', 'reason', 'minute'])
        .merge({
          count: this.db.raw('?? + ??', [`${TABLE}.count`, 'excluded.count']),
          last_at: this.db.raw('??', ['excluded.last_at']),
        }),
      ...MetricsRepository.incrementStatements(this.db, [
        { integration_id: integrationId, metric: 'inbound_failed', value: 1 },
      ]),
    ]);
  }

  /** Refusals since `since` (rounded down to its minute), per reason, most recent first. */
  async since(integrationId: string, since: number): Promise<RefusalCount[]> {
    const rows: Array<Record<string, unknown>> = await this.db(TABLE)
      .where({ integration_id: integrationId })
      .andWhere('minute', '>=', since - (since % MINUTE))
      .groupBy('reason')
      .select('reason')
      .sum({ count: 'count' })
      .max({ last_at: 'last_at' });
    return rows
      .map(r => ({
        reason: r.reason as string,
        count: num(r.count),
        last_at: num(r.last_at),
      }))
      .sort((a, b) => b.last_at - a.last_at);
  }

  /** Deletes the minutes before `before`; returns how many rows went. */
  async prune(before: number): Promise<number> {
    return this.db(TABLE).where('minute', '<', before).delete();
  }
}
