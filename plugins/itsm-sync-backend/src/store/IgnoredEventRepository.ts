import type { Knex } from 'knex';
import type { IgnoredWebhookEvent } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { num } from './rows';

/** Webhook events of one integration acknowledged without action, counted per event type and reason. */
export interface IgnoredEventCount {
  integration_id: string;
  event_type: string;
  reason: string;
  count: number;
  last_event_id: string | null;
  last_external_id: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

// Connectors build these from vendor bodies: whatever arrives is stored as text, clipped to the column.
const clip = (value: unknown, max: number) =>
  value === undefined || value === null ? null : String(value).slice(0, max);

/**
 * The record of what vendors sent that the hub did not act on. Rows are one per
 * (integration, event type, reason), so a chatty subscription costs one row, not one per
 * delivery; the last event's ids let a person find the delivery at the vendor.
 */
export class IgnoredEventRepository {
  constructor(private readonly db: Knex) {}

  /** Counts events of one integration, in a stable order so two writers lock rows alike. */
  async record(
    integrationId: string,
    events: IgnoredWebhookEvent[],
    now: number,
  ): Promise<void> {
    if (!events.length) return;
    const rows = new Map<
      string,
      Omit<IgnoredEventCount, 'first_seen_at'> & { first_seen_at: number }
    >();
    for (const event of events) {
      const event_type = clip(event.eventType, 200) ?? '';
      const reason = clip(event.reason, 500) ?? '';
      const key = `${event_type}\u0000${reason}`;
      const row = rows.get(key) ?? {
        integration_id: integrationId,
        event_type,
        reason,
        count: 0,
        last_event_id: null,
        last_external_id: null,
        first_seen_at: now,
        last_seen_at: now,
      };
      row.count += 1;
      row.last_event_id = clip(event.eventId, 200) ?? row.last_event_id;
      row.last_external_id =
        clip(event.externalId, 200) ?? row.last_external_id;
      rows.set(key, row);
    }
    const ordered = [...rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, row]) => row);
    await this.db('ignored_webhook_events')
      .insert(ordered)
      .onConflict(['integration_id', 'event_type', 'reason'])
      .merge({
        count: this.db.raw('?? + ??', [
          'ignored_webhook_events.count',
          'excluded.count',
        ]),
        last_event_id: this.db.raw('COALESCE(??, ??)', [
          'excluded.last_event_id',
          'ignored_webhook_events.last_event_id',
        ]),
        last_external_id: this.db.raw('COALESCE(??, ??)', [
          'excluded.last_external_id',
          'ignored_webhook_events.last_external_id',
        ]),
        last_seen_at: this.db.raw('??', ['excluded.last_seen_at']),
      });
  }

  /** An integration's counts, most recently seen first. */
  async list(integrationId: string): Promise<IgnoredEventCount[]> {
    const rows = await this.db('ignored_webhook_events')
      .where({ integration_id: integrationId })
      .orderBy([
        { column: 'last_seen_at', order: 'desc' },
        'event_type',
        'reason',
      ]);
    return rows.map(row => ({
      integration_id: row.integration_id,
      event_type: row.event_type,
      reason: row.reason,
      count: num(row.count),
      last_event_id: row.last_event_id ?? null,
      last_external_id: row.last_external_id ?? null,
      first_seen_at: num(row.first_seen_at),
      last_seen_at: num(row.last_seen_at),
    }));
  }
}
