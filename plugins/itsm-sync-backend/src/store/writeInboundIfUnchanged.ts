import type { Knex } from 'knex';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { eventKey } from './DeliveryRepository';
import type { TimelineInsert } from './InboundBatchRepository';
import { lastWrittenMergedWith } from './LinkRepository';
import { inLockOrder } from './MetricsRepository';
import { prepared } from './preparedStatements';
import { TraceRepository, type TraceInsert } from './TraceRepository';
import {
  INCIDENT_SET_FROM_V,
  INCIDENT_WRITE_NAMES,
  INCIDENT_WRITE_TYPES,
  incidentWriteArrays,
  OUTBOX_INSERT_FROM_O,
  outboxWriteArrays,
} from './writeIncidentsIfUnchanged';
import type { IncidentRecord, OutboxInsert } from './types';

/** Everything a batch of inbound changes writes, decided on incidents read without a lock. */
export interface InboundWrite {
  /** Every incident the batch's decisions read: its version and number of links then. */
  read: Array<{ id: string; version: number; links: number }>;
  /** The incidents the batch changed, as it left them. */
  incidents: IncidentRecord[];
  timeline: TimelineInsert[];
  trace: TraceInsert[];
  outbox: OutboxInsert[];
  /** Links whose remembered values the batch added to; `conflict` marks one for review. */
  links: Array<{
    id: string;
    remembered: Record<string, unknown>;
    conflict: boolean;
  }>;
  /** The changes applied and ignored: their inbox rows are settled with that outcome. */
  settled: { applied: SettledChange[]; ignored: SettledChange[] };
  /**
   * Whether the changes are not in the inbox yet: their rows are then inserted already
   * settled, and the whole write is undone if one of them is there already (a repeat).
   */
  accept: boolean;
  counts: Array<{ integration_id: string; metric: string; value: number }>;
}

/** A change of a batch and the integration it came from, as its inbox row is written or settled. */
export interface SettledChange {
  integrationId: string;
  change: NormalizedChange;
}

// Every write below reads `ok` first, so none starts before the incidents are locked and
// compared and the inbox rows to accept are in.
const IF_OK = `(SELECT ok FROM guard)`;

/** The SQLSTATE of itsm_sync_inbound_batch_changed() (migration 20261124200000). */
const BATCH_CHANGED = 'IS001';

const WRITE_INBOUND_IF_UNCHANGED = [
  `WITH read AS (SELECT * FROM unnest(?::text[], ?::integer[], ?::integer[]) AS r(id, version, links)),`,
  `locked AS (SELECT i.id, i.version FROM incidents AS i WHERE i.id IN (SELECT id FROM read) ORDER BY i.id FOR UPDATE OF i),`,
  `unchanged AS (SELECT count(*) = (SELECT count(*) FROM read) AS ok FROM read AS r JOIN locked AS k ON k.id = r.id`,
  `  WHERE k.version = r.version AND r.links = (SELECT count(*) FROM links AS l WHERE l.incident_id = r.id)),`,
  // After the locks, and in key order: two batches repeating each other's event ids wait
  // on one another in one order, never in a cycle.
  `accepted AS (INSERT INTO webhook_deliveries (integration_id, event_id, change, status, attempts, received_at, processed_at)`,
  `  SELECT a.integration_id, a.event_id, a.change, a.status, 0, ?::bigint, ?::bigint`,
  `  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS a(integration_id, event_id, change, status)`,
  `  WHERE (SELECT ok FROM unchanged) ORDER BY a.integration_id, a.event_id`,
  `  ON CONFLICT (integration_id, event_id) DO NOTHING RETURNING 1),`,
  `guard AS (SELECT ok AND (SELECT count(*) FROM accepted) = ?::integer AS ok FROM unchanged),`,
  `changed AS (UPDATE incidents SET ${INCIDENT_SET_FROM_V}`,
  `  FROM unnest(?::text[], ${INCIDENT_WRITE_TYPES}) AS v(id, ${INCIDENT_WRITE_NAMES})`,
  `  WHERE incidents.id = v.id AND ${IF_OK}),`,
  `noted AS (INSERT INTO incident_timeline (incident_id, kind, text, author, source, visibility, external_note_id, created_at)`,
  `  SELECT t.incident_id, t.kind, t.text, t.author, t.source, t.visibility, t.external_note_id, t.created_at`,
  `  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS t(incident_id, kind, text, author, source, visibility, external_note_id, created_at, n)`,
  `  WHERE ${IF_OK} ORDER BY t.n),`,
  `traced AS (INSERT INTO sync_trace (incident_id, integration_id, at, entry)`,
  `  SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[]) WHERE ${IF_OK}),`,
  // Ids are drawn in this order: the rows of one ticket stay in the order of their changes.
  `queued AS (${OUTBOX_INSERT_FROM_O}`,
  `  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY`,
  `    AS o(integration_id, incident_id, operation, payload, next_attempt_at, trace_context, n)`,
  `  WHERE ${IF_OK} ORDER BY o.n),`,
  // Merged key by key, so a delivery acknowledged since the read keeps what it wrote.
  `remembered AS (UPDATE links SET`,
  `  last_written = ${lastWrittenMergedWith('m.remembered')},`,
  `  sync_state = CASE WHEN m.conflict THEN 'conflict' ELSE links.sync_state END,`,
  `  last_error = CASE WHEN m.conflict THEN NULL ELSE links.last_error END`,
  `  FROM unnest(?::text[], ?::text[], ?::boolean[]) AS m(id, remembered, conflict) WHERE links.id = m.id AND ${IF_OK}),`,
  `settled AS (UPDATE webhook_deliveries SET status = s.status, processed_at = ?::bigint, error = NULL, lease_owner = NULL, lease_expires_at = NULL`,
  `  FROM unnest(?::text[], ?::text[], ?::text[]) AS s(integration_id, event_id, status)`,
  `  WHERE webhook_deliveries.integration_id = s.integration_id AND webhook_deliveries.event_id = s.event_id AND ${IF_OK}),`,
  `counted AS (INSERT INTO integration_metrics (integration_id, metric, value)`,
  `  SELECT c.integration_id, c.metric, c.value FROM unnest(?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS c(integration_id, metric, value, n)`,
  `  WHERE ${IF_OK} ORDER BY c.n`,
  `  ON CONFLICT (integration_id, metric) DO UPDATE SET value = integration_metrics.value + excluded.value)`,
  // Nothing may stay of a batch that is not written: its accepted rows would be settled unapplied.
  `SELECT CASE WHEN ok THEN true ELSE itsm_sync_inbound_batch_changed() END AS written FROM guard`,
].join('\n');

/**
 * Postgres only: writes a batch of inbound changes in one statement, without a
 * transaction or a lock taken beforehand, if every incident it read is as it was read
 * (same version, same number of links); otherwise writes nothing. Returns whether it
 * wrote. The caller then applies the batch again the locked way.
 *
 * The statement first locks the incidents read, in id order, and compares them; each
 * write that follows is conditioned on that comparison, which is made once. A writer
 * that commits a change to one of them before the lock is seen (READ COMMITTED reads
 * the newest row when it locks); one that comes after waits until this commits.
 *
 * With `accept`, the changes' inbox rows are inserted by the same statement, already
 * settled (no second version of each row to write), and a change already in the inbox
 * makes the batch one not to write: the statement is rolled back and false returned.
 */
export async function writeInboundIfUnchanged(
  db: Knex,
  write: InboundWrite,
  now: number,
): Promise<boolean> {
  const settled = [
    ...write.settled.applied.map(item => ({ item, status: 'applied' })),
    ...write.settled.ignored.map(item => ({ item, status: 'ignored' })),
  ];
  const toInsert = write.accept ? settled : [];
  const toUpdate = write.accept ? [] : settled;
  const counts = inLockOrder(write.counts);
  // In id order, as the locked way updates them.
  const links = [...write.links].sort((a, b) => a.id.localeCompare(b.id));
  // One array a column: the text never changes, so each connection parses it once.
  const bindings = [
    write.read.map(r => r.id),
    write.read.map(r => r.version),
    write.read.map(r => r.links),
    now,
    now,
    toInsert.map(s => s.item.integrationId),
    toInsert.map(s => eventKey(s.item.change.eventId)),
    toInsert.map(s => JSON.stringify(s.item.change)),
    toInsert.map(s => s.status),
    toInsert.length,
    write.incidents.map(i => i.id),
    ...incidentWriteArrays(write.incidents),
    write.timeline.map(t => t.incident_id),
    write.timeline.map(t => t.kind),
    write.timeline.map(t => t.text),
    write.timeline.map(t => t.author),
    write.timeline.map(t => t.source),
    write.timeline.map(t => t.visibility ?? null),
    write.timeline.map(t => t.external_note_id ?? null),
    write.timeline.map(t => t.created_at),
    ...TraceRepository.entryArrays(write.trace),
    now,
    ...outboxWriteArrays(write.outbox, now),
    links.map(l => l.id),
    links.map(l => JSON.stringify(l.remembered)),
    links.map(l => l.conflict),
    now,
    toUpdate.map(s => s.item.integrationId),
    toUpdate.map(s => eventKey(s.item.change.eventId)),
    toUpdate.map(s => s.status),
    counts.map(c => c.integration_id),
    counts.map(c => c.metric),
    counts.map(c => c.value),
  ];
  try {
    await prepared(
      db.raw(WRITE_INBOUND_IF_UNCHANGED, bindings as Knex.RawBinding[]),
      'write_inbound_if_unchanged_v3',
    );
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === BATCH_CHANGED) return false;
    throw error;
  }
}
