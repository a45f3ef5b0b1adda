import type { Knex } from 'knex';
import { LinkRepository } from './LinkRepository';
import { OutboxRepository } from './OutboxRepository';
import { MetricsRepository } from './MetricsRepository';
import { writeTogether } from './writeTogether';

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
    const heads = await OutboxRepository.markHeadsDelivered(tx, owner, acks.map(a => a.rowIds[0]), now);
    const done = acks.filter(a => heads.has(a.rowIds[0]));
    if (done.length) {
      const links = await tx('links')
        .whereIn('incident_id', [...new Set(done.map(a => a.incidentId))])
        .whereIn('integration_id', [...new Set(done.map(a => a.integrationId))]);
      const linkOf = new Map(links.map(l => [`${l.incident_id}|${l.integration_id}`, l]));
      const perIntegration = new Map<string, number>();
      for (const ack of done) perIntegration.set(ack.integrationId, (perIntegration.get(ack.integrationId) ?? 0) + 1);
      // Followers, links and counters in one round trip on Postgres.
      await writeTogether(tx, [
        ...OutboxRepository.followersDeliveredStatements(tx, done.flatMap(a => a.rowIds.slice(1)), now),
        ...LinkRepository.recordDeliveriesStatements(
          tx,
          done.flatMap(ack => {
            const row = linkOf.get(`${ack.incidentId}|${ack.integrationId}`);
            return row ? [{ row, external: ack.external, written: ack.written, now }] : [];
          }),
        ),
        ...MetricsRepository.incrementStatements(
          tx,
          [...perIntegration].map(([integration_id, value]) => ({ integration_id, metric: 'outbound_success', value })),
        ),
      ]);
    }
    return acks.map(a => heads.has(a.rowIds[0]));
  });
}
