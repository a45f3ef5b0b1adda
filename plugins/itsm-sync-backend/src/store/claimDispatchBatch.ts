import type { Knex } from 'knex';
import {
  integrationsWithRules,
  readDispatchBatch,
  linkKey,
  type DispatchBatch,
} from './DispatchBatchReads';
import { toIncidentRecord } from './IncidentRepository';
import { toLinkRecord } from './LinkRepository';
import {
  CLAIM_CANDIDATES_LOCKED,
  CLAIM_WITHIN_SHARE,
  claimBindings,
  OutboxRepository,
  toOutboxRecord,
} from './OutboxRepository';
import { prepared } from './preparedStatements';
import { isPostgres } from './dialect';
import type { ClaimShares } from '../engine/claimShares';
import type { IncidentRecord, LinkRecord, OutboxRecord } from './types';
import type { IncidentRow, LinkRow, OutboxRow } from './tableRows';

/**
 * The Postgres claim, bindings (those of `claimBindings`, owner, lease expiry, now,
 * coalesce limit). Its text never changes, so it is prepared, and its generic plan uses the
 * partial index on pending rows (see `CLAIM_CANDIDATES`): planning it anew took more of
 * Postgres's time than running it. The UPDATE finds the candidates by primary key
 * (`= ANY` of the CTE's ids: a semi-join was planned as a hash over every pending row),
 * and the link and incident are read per head by their unique keys.
 */
export const CLAIM_AND_READ = [
  `WITH claim_candidates AS (${CLAIM_CANDIDATES_LOCKED}),`,
  `within_share AS (${CLAIM_WITHIN_SHARE}),`,
  `claimed AS (UPDATE outbox SET lease_owner = ?, lease_expires_at = ?`,
  `  WHERE id = ANY(ARRAY(SELECT id FROM within_share)) AND state = 'pending'`,
  `    AND (lease_expires_at IS NULL OR lease_expires_at < ?)`,
  `  RETURNING *)`,
  `SELECT row_to_json(c) AS head,`,
  `  (SELECT coalesce(json_agg(row_to_json(q) ORDER BY q.id), '[]'::json) FROM (SELECT * FROM outbox AS f`,
  `    WHERE f.incident_id = c.incident_id AND f.integration_id = c.integration_id AND f.state = 'pending' AND f.id > c.id`,
  `    ORDER BY f.id LIMIT ?) AS q) AS followers,`,
  `  (SELECT row_to_json(l) FROM links AS l WHERE l.incident_id = c.incident_id AND l.integration_id = c.integration_id) AS link,`,
  `  (SELECT row_to_json(i) FROM incidents AS i WHERE i.id = c.incident_id) AS incident`,
  `FROM claimed AS c`,
  `ORDER BY c.id`,
].join('\n');

/**
 * Leases up to `limit` due outbox heads, each integration's within its room in `shares`
 * (`OutboxRepository.claim`), and reads what their
 * deliveries need (`readDispatchBatch`).
 *
 * On Postgres that is one statement: the UPDATE that leases the heads returns them, and
 * the same statement reads, for each head, the rows queued behind it (at most
 * `coalesceLimit`), its link and its incident, as JSON. One snapshot serves all of it:
 * every queued row read was committed together with the incident change it carries (one
 * statement or one transaction), so the incident read is never older than a row
 * coalesced into its delivery. Elsewhere the claim and then the reads.
 */
export async function claimDispatchBatch(
  db: Knex,
  owner: string,
  limit: number,
  leaseMs: number,
  now: number,
  coalesceLimit: number,
  shares?: ClaimShares,
): Promise<{ rows: OutboxRecord[]; batch: DispatchBatch }> {
  if (!isPostgres(db)) {
    const rows = await new OutboxRepository(db).claim(
      owner,
      limit,
      leaseMs,
      now,
      shares,
    );
    if (!rows.length)
      return {
        rows,
        batch: {
          integrations: new Map(),
          rules: new Map(),
          followers: new Map(),
          incidents: new Map(),
          links: new Map(),
        },
      };
    // Should the reads fail, the leases run out and the rows are claimed again; nothing is lost.
    return { rows, batch: await readDispatchBatch(db, rows, coalesceLimit) };
  }
  const result = await prepared(
    db.raw(CLAIM_AND_READ, [
      ...claimBindings(true, limit, now, shares),
      owner,
      now + leaseMs,
      now,
      coalesceLimit,
    ]),
    'claim_dispatch_batch_v2',
  );
  const found = result.rows as Array<{
    head: OutboxRow;
    followers: OutboxRow[];
    link: LinkRow | null;
    incident: IncidentRow | null;
  }>;
  const rows = found.map(r => toOutboxRecord(r.head));
  const followers = new Map<number, OutboxRecord[]>();
  const incidents = new Map<string, IncidentRecord>();
  const links = new Map<string, LinkRecord>();
  for (const [index, r] of found.entries()) {
    followers.set(rows[index].id, r.followers.map(toOutboxRecord));
    // A row without a link has nothing to deliver to.
    if (!r.link || !r.incident) continue;
    const link = toLinkRecord(r.link);
    links.set(linkKey(link.incident_id, link.integration_id), link);
    incidents.set(link.incident_id, toIncidentRecord(r.incident));
  }
  const { integrations, rules } = await integrationsWithRules(
    db,
    rows.map(r => r.integration_id),
  );
  return { rows, batch: { integrations, rules, followers, incidents, links } };
}
