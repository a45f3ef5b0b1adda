import type { Knex } from 'knex';
import { LinkRepository } from './LinkRepository';
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
    const delivered = { state: 'delivered', delivered_at: now, lease_owner: null, lease_expires_at: null };
    const heads = acks.map(a => a.rowIds[0]);
    const won = await tx('outbox')
      .whereIn('id', heads)
      .andWhere({ lease_owner: owner, state: 'pending' })
      .update(delivered)
      .returning('id');
    const acked = new Set((won as Array<{ id: number | string } | number>).map(r => Number(typeof r === 'object' ? r.id : r)));
    const done = acks.filter(a => acked.has(a.rowIds[0]));
    if (!done.length) return acks.map(() => false);

    const followers = done.flatMap(a => a.rowIds.slice(1));
    for (let i = 0; i < followers.length; i += 500) {
      await tx('outbox').whereIn('id', followers.slice(i, i + 500)).andWhere('state', 'pending').update(delivered);
    }

    const links = await tx('links')
      .whereIn('incident_id', [...new Set(done.map(a => a.incidentId))])
      .whereIn('integration_id', [...new Set(done.map(a => a.integrationId))]);
    const linkOf = new Map(links.map(l => [`${l.incident_id}|${l.integration_id}`, l]));
    const linkRepository = new LinkRepository(tx);
    for (const ack of done) {
      const row = linkOf.get(`${ack.incidentId}|${ack.integrationId}`);
      if (row) await linkRepository.recordDelivery(row.id, { external: ack.external, written: ack.written, now }, tx, row);
    }

    const perIntegration = new Map<string, number>();
    for (const ack of done) perIntegration.set(ack.integrationId, (perIntegration.get(ack.integrationId) ?? 0) + 1);
    const metrics = new MetricsRepository(tx);
    for (const [integrationId, by] of perIntegration) await metrics.increment(integrationId, 'outbound_success', by, tx);
    return acks.map(a => acked.has(a.rowIds[0]));
  });
}
