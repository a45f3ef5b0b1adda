import type { Knex } from 'knex';
import { isPostgres } from './dialect';
import { prepared } from './preparedStatements';
import { lastWrittenMergedWith, LinkRepository } from './LinkRepository';
import { OutboxRepository } from './OutboxRepository';
import { MetricsRepository } from './MetricsRepository';
import { linkKey } from './DispatchBatchReads';
import { TraceRepository, type TraceInsert } from './TraceRepository';

/** One finished delivery: its rows (head first) and what it did at the vendor. */
export interface DeliveryAck {
  /** The claimed head first, then the rows coalesced behind it. */
  rowIds: number[];
  integrationId: string;
  incidentId: string;
  external?: { id: string; key?: string | null; url?: string | null };
  written: Record<string, unknown>;
  /** The delivery's sync trace entry, written only if the ack counts. */
  trace?: TraceInsert;
}

/**
 * Acknowledges many deliveries, in one transaction (one statement on Postgres): the
 * heads are marked delivered only where `owner` still holds their lease (one UPDATE ...
 * RETURNING decides which), then their coalesced rows, their links and the success
 * counters, set-based. Returns, per ack, whether it was acknowledged; a worker whose
 * lease was taken over acknowledges nothing and the new owner delivers again.
 */
export async function acknowledgeDeliveries(
  db: Knex,
  owner: string,
  acks: DeliveryAck[],
  now: number,
): Promise<boolean[]> {
  if (!acks.length) return [];
  if (isPostgres(db)) {
    const heads = await acknowledgeInOneStatement(db, owner, acks, now);
    return acks.map(a => heads.has(a.rowIds[0]));
  }
  return db.transaction(async tx => {
    const heads = await OutboxRepository.markHeadsDelivered(
      tx,
      owner,
      acks.map(a => a.rowIds[0]),
      now,
    );
    const done = acks.filter(a => heads.has(a.rowIds[0]));
    if (done.length) {
      const links = await tx('links')
        .whereIn('incident_id', [...new Set(done.map(a => a.incidentId))])
        .whereIn('integration_id', [
          ...new Set(done.map(a => a.integrationId)),
        ]);
      const linkOf = new Map(
        links.map(l => [linkKey(l.incident_id, l.integration_id), l]),
      );
      const perIntegration = new Map<string, number>();
      for (const ack of done)
        perIntegration.set(
          ack.integrationId,
          (perIntegration.get(ack.integrationId) ?? 0) + 1,
        );
      // Followers, links and counters, each set-based.
      for (const statement of [
        ...OutboxRepository.followersDeliveredStatements(
          tx,
          done.flatMap(a => a.rowIds.slice(1)),
          now,
        ),
        ...LinkRepository.recordDeliveriesStatements(
          tx,
          done.flatMap(ack => {
            const row = linkOf.get(linkKey(ack.incidentId, ack.integrationId));
            return row
              ? [{ row, external: ack.external, written: ack.written, now }]
              : [];
          }),
        ),
        ...TraceRepository.insertStatements(
          tx,
          done.flatMap(a => (a.trace ? [a.trace] : [])),
        ),
        ...MetricsRepository.incrementStatements(
          tx,
          [...perIntegration].map(([integration_id, value]) => ({
            integration_id,
            metric: 'outbound_success',
            value,
          })),
        ),
      ]) {
        await statement;
      }
    }
    return acks.map(a => heads.has(a.rowIds[0]));
  });
}

const DELIVERED_SET = `state = 'delivered', delivered_at = ?::bigint, lease_owner = NULL, lease_expires_at = NULL`;

const ACKNOWLEDGE = [
  `WITH acks AS (SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`,
  `  AS t(head_id, incident_id, integration_id, external_id, external_key, external_url, written)),`,
  `heads AS (UPDATE outbox SET ${DELIVERED_SET} WHERE id IN (SELECT head_id FROM acks) AND lease_owner = ? AND state = 'pending' RETURNING id),`,
  `followers AS (UPDATE outbox SET ${DELIVERED_SET} FROM unnest(?::bigint[], ?::bigint[]) AS f(id, head_id)`,
  `  WHERE outbox.id = f.id AND outbox.state = 'pending' AND f.head_id IN (SELECT id FROM heads)),`,
  `linked AS (UPDATE links SET external_id = COALESCE(a.external_id, links.external_id), external_key = COALESCE(a.external_key, links.external_key),`,
  `  external_url = COALESCE(a.external_url, links.external_url),`,
  `  last_written = ${lastWrittenMergedWith('a.written')},`,
  // A conflict waiting for review outlives deliveries of other fields.
  `  last_synced_at = ?::bigint, sync_state = CASE WHEN links.sync_state IN ('conflict', 'gone') THEN links.sync_state ELSE 'in_sync' END, last_error = NULL`,
  `  FROM acks AS a WHERE links.incident_id = a.incident_id AND links.integration_id = a.integration_id AND a.head_id IN (SELECT id FROM heads)),`,
  `traced AS (INSERT INTO sync_trace (incident_id, integration_id, at, entry)`,
  `  SELECT t.incident_id, t.integration_id, t.at, t.entry FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[]) AS t(head_id, incident_id, integration_id, at, entry)`,
  `  WHERE t.head_id IN (SELECT id FROM heads)),`,
  // Counters in a stable order, so two writers lock them in the same order.
  `counted AS (INSERT INTO integration_metrics (integration_id, metric, value)`,
  `  SELECT integration_id, 'outbound_success', count(*) FROM acks WHERE head_id IN (SELECT id FROM heads) GROUP BY integration_id ORDER BY integration_id`,
  `  ON CONFLICT (integration_id, metric) DO UPDATE SET value = integration_metrics.value + excluded.value)`,
  `SELECT id FROM heads`,
].join('\n');

/**
 * The same on Postgres as one statement (data-modifying CTEs), so one round trip and no
 * transaction: the heads' UPDATE ... RETURNING decides which acks count, and the
 * followers, links and counters are written only for those. A link's `last_written`
 * is merged in SQL (`jsonb ||`, key by key as the JavaScript spread does), so the links
 * need not be read first.
 */
async function acknowledgeInOneStatement(
  db: Knex,
  owner: string,
  acks: DeliveryAck[],
  now: number,
): Promise<Set<number>> {
  const followers = acks.flatMap(a =>
    a.rowIds.slice(1).map(id => [id, a.rowIds[0]]),
  );
  const traced = acks.filter(a => a.trace);
  // One array a column: the statement's text never changes, so Postgres parses it once per
  // connection (a named prepared statement) whatever the number of acks.
  const bindings = [
    acks.map(a => a.rowIds[0]),
    acks.map(a => a.incidentId),
    acks.map(a => a.integrationId),
    acks.map(a => a.external?.id ?? null),
    acks.map(a => a.external?.key ?? null),
    acks.map(a => a.external?.url ?? null),
    acks.map(a => JSON.stringify(a.written)),
    now,
    owner,
    now,
    followers.map(([id]) => id),
    followers.map(([, head]) => head),
    now,
    traced.map(a => a.rowIds[0]),
    ...TraceRepository.entryArrays(traced.map(a => a.trace!)),
  ];
  const result = await prepared(
    db.raw(ACKNOWLEDGE, bindings as Knex.RawBinding[]),
    'acknowledge_deliveries_v2',
  );
  return new Set(
    (result.rows as Array<{ id: number | string }>).map(r => Number(r.id)),
  );
}
