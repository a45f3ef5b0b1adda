import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isPostgres } from './dialect';
import { prepared } from './preparedStatements';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { chunks } from './chunks';
import { json, num, numOrNull } from './rows';
import type { WebhookDeliveryRow } from './tableRows';

/** One change of one integration, as the inbox is keyed. */
export interface DeliveryKey {
  integrationId: string;
  eventId: string;
}

/** The in-memory key of a delivery: the integration and the stored event key. */
export function deliveryKey(integrationId: string, eventId: string): string {
  return `${integrationId}\u0000${eventKey(eventId)}`;
}

export interface DeliveryRecord {
  integration_id: string;
  event_id: string;
  change: NormalizedChange;
  status: 'accepted' | 'applied' | 'ignored' | 'failed';
  attempts: number;
  received_at: number;
}

/** The first of each delivery (integration and event id) in a list, in order: a later one is a repeat. */
export function firstOfEachDelivery<T>(
  items: T[],
  integrationId: (item: T) => string,
  eventId: (item: T) => string,
): T[] {
  const seen = new Set<string>();
  return items.filter(item => {
    const key = deliveryKey(integrationId(item), eventId(item));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The stored dedup key of a vendor event id: the id itself when it fits the column,
 * else a digest, so two long ids that share a prefix are never taken for one another.
 */
export function eventKey(eventId: string): string {
  return eventId.length <= 300
    ? eventId
    : `sha256:${createHash('sha256').update(eventId).digest('hex')}`;
}

/** `acceptMany` on Postgres: in arrival order; a repeat of a stored event id is skipped and not returned. */
const ACCEPT_ON_POSTGRES = `INSERT INTO webhook_deliveries (integration_id, event_id, change, status, attempts, received_at)
  SELECT t.integration_id, t.event_id, t.change, 'accepted', 0, ?::bigint
  FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS t(integration_id, event_id, change, n) ORDER BY t.n
  ON CONFLICT (integration_id, event_id) DO NOTHING
  RETURNING integration_id, event_id`;

/**
 * The inbox of vendor deliveries. A row is written before the webhook is answered 2xx,
 * keyed by the vendor's event id, so a redelivery is recognised and nothing accepted
 * is lost if processing fails or the process dies.
 */
export class DeliveryRepository {
  constructor(private readonly db: Knex) {}

  /** False when the event id was seen before (a duplicate delivery). */
  async accept(
    integrationId: string,
    change: NormalizedChange,
    now: number,
  ): Promise<boolean> {
    const inserted = await this.db('webhook_deliveries')
      .insert({
        integration_id: integrationId,
        event_id: eventKey(change.eventId),
        change: JSON.stringify(change),
        status: 'accepted',
        attempts: 0,
        received_at: now,
      })
      .onConflict(['integration_id', 'event_id'])
      .ignore()
      .returning('event_id');
    return (inserted as unknown[]).length > 0;
  }

  /**
   * Stores many changes with one multi-row INSERT (per chunk), committed on its own.
   * Returns the delivery keys really inserted; any other change was a duplicate, also
   * a repeat of an event id earlier in the same list.
   */
  async acceptMany(
    changes: Array<{ integrationId: string; change: NormalizedChange }>,
    now: number,
  ): Promise<Set<string>> {
    const unique = new Map(
      firstOfEachDelivery(
        changes,
        c => c.integrationId,
        c => c.change.eventId,
      ).map(c => [deliveryKey(c.integrationId, c.change.eventId), c]),
    );
    const inserted = new Set<string>();
    if (isPostgres(this.db)) {
      // One statement of fixed text whatever the number of changes (column arrays).
      const rows = [...unique.values()];
      const result = await prepared(
        this.db.raw(ACCEPT_ON_POSTGRES, [
          now,
          rows.map(c => c.integrationId),
          rows.map(c => eventKey(c.change.eventId)),
          rows.map(c => JSON.stringify(c.change)),
        ] as Knex.RawBinding[]),
        'accept_deliveries_v1',
      );
      for (const r of result.rows as Array<{
        integration_id: string;
        event_id: string;
      }>)
        inserted.add(deliveryKey(r.integration_id, r.event_id));
      return inserted;
    }
    const parts = chunks([...unique.values()]);
    const insert = async (db: Knex) => {
      for (const part of parts) {
        const rows = await db('webhook_deliveries')
          .insert(
            part.map(c => ({
              integration_id: c.integrationId,
              event_id: eventKey(c.change.eventId),
              change: JSON.stringify(c.change),
              status: 'accepted',
              attempts: 0,
              received_at: now,
            })),
          )
          .onConflict(['integration_id', 'event_id'])
          .ignore()
          .returning(['integration_id', 'event_id']);
        // A stored event key is its own key, so the in-memory key comes out the same.
        for (const r of rows as Array<{
          integration_id: string;
          event_id: string;
        }>)
          inserted.add(deliveryKey(r.integration_id, r.event_id));
      }
    };
    // Several statements commit together: a failure stores none, so a retry finds none of them a duplicate.
    if (parts.length > 1) await this.db.transaction(insert);
    else await insert(this.db);
    return inserted;
  }

  /** Settles many deliveries with one outcome: one UPDATE per integration among them. */
  async settleMany(
    status: 'applied' | 'ignored',
    keys: DeliveryKey[],
    now: number,
    tx: Knex = this.db,
  ): Promise<void> {
    for (const update of this.settleStatements(status, keys, now, tx))
      await update;
  }

  /** The UPDATEs of `settleMany`, unrun, for a caller that sends several writes together. */
  settleStatements(
    status: 'applied' | 'ignored',
    keys: DeliveryKey[],
    now: number,
    tx: Knex = this.db,
  ): Array<Knex.QueryBuilder | Knex.Raw> {
    if (!keys.length) return [];
    if (isPostgres(tx)) {
      return [
        tx.raw(
          `UPDATE webhook_deliveries SET status = ?, processed_at = ?::bigint, error = NULL, lease_owner = NULL, lease_expires_at = NULL
  FROM unnest(?::text[], ?::text[]) AS k(integration_id, event_id)
  WHERE webhook_deliveries.integration_id = k.integration_id AND webhook_deliveries.event_id = k.event_id`,
          [
            status,
            now,
            keys.map(k => k.integrationId),
            keys.map(k => eventKey(k.eventId)),
          ] as Knex.RawBinding[],
        ),
      ];
    }
    const byIntegration = new Map<string, string[]>();
    for (const k of keys)
      byIntegration.set(k.integrationId, [
        ...(byIntegration.get(k.integrationId) ?? []),
        eventKey(k.eventId),
      ]);
    return [...byIntegration].flatMap(([integrationId, events]) =>
      chunks(events, 500).map(part =>
        tx('webhook_deliveries')
          .where({ integration_id: integrationId })
          .whereIn('event_id', part)
          .update({
            status,
            processed_at: now,
            error: null,
            lease_owner: null,
            lease_expires_at: null,
          }),
      ),
    );
  }

  async finish(
    integrationId: string,
    eventId: string,
    status: 'applied' | 'ignored' | 'failed',
    now: number,
    error?: string,
    tx: Knex = this.db,
  ) {
    await tx('webhook_deliveries')
      .where({ integration_id: integrationId, event_id: eventKey(eventId) })
      .update({
        status,
        processed_at: now,
        error: error ?? null,
        lease_owner: null,
        lease_expires_at: null,
      });
  }

  async recordAttempt(integrationId: string, eventId: string, error: string) {
    await this.db('webhook_deliveries')
      .where({ integration_id: integrationId, event_id: eventKey(eventId) })
      .update({ error, lease_owner: null, lease_expires_at: null })
      .increment('attempts', 1);
  }

  /**
   * Claims accepted deliveries that nobody is processing (after a crash), oldest first.
   * Like the outbox claim: candidates chosen in a CTE (locked SKIP LOCKED on Postgres),
   * leased by one UPDATE that re-checks the lease, matched on the (integration, event)
   * key as a row value.
   */
  async claimStale(
    owner: string,
    olderThan: number,
    limit: number,
    leaseMs: number,
    now: number,
  ): Promise<DeliveryRecord[]> {
    const leaseFree = (q: Knex.QueryBuilder) =>
      q.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', now);
    const candidates = this.db('webhook_deliveries')
      .where({ status: 'accepted' })
      .andWhere('received_at', '<', olderThan)
      .andWhere(leaseFree)
      .orderBy([
        { column: 'received_at' },
        { column: 'integration_id' },
        { column: 'event_id' },
      ])
      .limit(limit)
      .select('integration_id', 'event_id');
    if (isPostgres(this.db)) candidates.forUpdate().skipLocked();
    const rows = await this.db
      .with('stale_deliveries', candidates)
      .table('webhook_deliveries')
      .whereIn(
        ['integration_id', 'event_id'],
        this.db('stale_deliveries').select('integration_id', 'event_id'),
      )
      .andWhere({ status: 'accepted' })
      .andWhere(leaseFree)
      .update({ lease_owner: owner, lease_expires_at: now + leaseMs })
      .returning('*');
    return (rows as WebhookDeliveryRow[])
      .map(r => ({
        integration_id: r.integration_id,
        event_id: r.event_id,
        change: json(r.change, {} as NormalizedChange),
        status: r.status,
        attempts: num(r.attempts),
        received_at: num(r.received_at),
      }))
      .sort((a, b) => a.received_at - b.received_at);
  }

  /**
   * Drops settled (applied or ignored) inbox rows received before a cut-off, at most
   * `batch` of them; rows still to apply or failed stay. A redelivery after the cut-off is
   * no longer recognised by its id, but it is older than the changes applied since and
   * left alone as stale (docs/sync-semantics.md#inbound-webhooks).
   */
  async pruneSettled(before: number, batch = 1000): Promise<number> {
    const keys = this.db('webhook_deliveries')
      .whereIn('status', ['applied', 'ignored'])
      .andWhere('received_at', '<', before)
      .limit(batch)
      .select('integration_id', 'event_id');
    return this.db('webhook_deliveries')
      .whereIn(['integration_id', 'event_id'], keys)
      .delete();
  }

  /** When a change of the integration was last processed, epoch ms. */
  async lastProcessedAt(integrationId: string): Promise<number | null> {
    const row = await this.db('webhook_deliveries')
      .where({ integration_id: integrationId })
      .max({ t: 'processed_at' })
      .first();
    return numOrNull(row?.t);
  }

  async count(integrationId: string, status?: string): Promise<number> {
    const q = this.db('webhook_deliveries').where({
      integration_id: integrationId,
    });
    if (status) q.andWhere({ status });
    const row = await q.count({ n: '*' }).first();
    return num(row?.n ?? 0);
  }
}
