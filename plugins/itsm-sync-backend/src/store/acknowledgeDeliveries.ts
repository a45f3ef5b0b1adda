import type { Knex } from 'knex';
import { LinkRepository } from './LinkRepository';
import { OutboxRepository } from './OutboxRepository';
import { MetricsRepository } from './MetricsRepository';

/** One finished delivery: its rows (head first) and what it did at the vendor. */
export interface DeliveryAck {
  /** The claimed head first, then the rows coalesced behind it. */
  rowIds: number[];
  integrationId: string;
  incidentId: string;
  external?: { id: string; key?: string | null; url?: string | null };
  written: Record<string, unknown>;
}

/**
 * Acknowledges many deliveries in one transaction: the heads are marked delivered only
 * where `owner` still holds their lease (one UPDATE ... RETURNING decides which), then
 * their coalesced rows, their links and the success counters, set-based. Returns, per
 * ack, whether it was acknowledged; a worker whose lease was taken over acknowledges
 * nothing and the new owner delivers again.
 */
export async function acknowledgeDeliveries(db: Knex, owner: string, acks: DeliveryAck[], now: number): Promise<boolean[]> {
  if (!acks.length) return [];
  return db.transaction(async tx => {
    const acked = await OutboxRepository.markDeliveredMany(tx, owner, acks.map(a => a.rowIds), now);
    const done = acks.filter((_, i) => acked[i]);
    if (!done.length) return acked;

    const links = await tx('links')
      .whereIn('incident_id', [...new Set(done.map(a => a.incidentId))])
      .whereIn('integration_id', [...new Set(done.map(a => a.integrationId))]);
    const linkOf = new Map(links.map(l => [`${l.incident_id}|${l.integration_id}`, l]));
    await LinkRepository.recordDeliveries(
      tx,
      done.flatMap(ack => {
        const row = linkOf.get(`${ack.incidentId}|${ack.integrationId}`);
        return row ? [{ row, external: ack.external, written: ack.written, now }] : [];
      }),
    );

    const perIntegration = new Map<string, number>();
    for (const ack of done) perIntegration.set(ack.integrationId, (perIntegration.get(ack.integrationId) ?? 0) + 1);
    const metrics = new MetricsRepository(tx);
    for (const [integrationId, by] of perIntegration) await metrics.increment(integrationId, 'outbound_success', by, tx);
    return acked;
  });
}
