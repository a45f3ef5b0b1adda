import type { Knex } from 'knex';
import { outboxRow } from './OutboxRepository';
import { prepared } from './preparedStatements';
import type { IncidentRecord, OutboxInsert } from './types';

/** The columns an incident write sets, in this order: their `unnest` types and names, and the SET from `v`. */
const INCIDENT_WRITE_COLUMNS: Array<[string, string]> = [
  ['title', 'text'],
  ['description', 'text'],
  ['severity', 'text'],
  ['status', 'text'],
  ['assigned_to', 'text'],
  ['escalation_policy', 'text'],
  ['entity_ref', 'text'],
  ['incident_type', 'text'],
  ['version', 'integer'],
  ['field_changes', 'text'],
  ['updated_at', 'bigint'],
];
export const INCIDENT_WRITE_TYPES = INCIDENT_WRITE_COLUMNS.map(
  ([, type]) => `?::${type}[]`,
).join(', ');
export const INCIDENT_WRITE_NAMES = INCIDENT_WRITE_COLUMNS.map(
  ([name]) => name,
).join(', ');
export const INCIDENT_SET_FROM_V = INCIDENT_WRITE_COLUMNS.map(
  ([name]) => `${name} = v.${name}`,
).join(', ');

/** One array per column of INCIDENT_WRITE_COLUMNS, for `unnest`: the incidents as the changes left them. */
export function incidentWriteArrays(incidents: IncidentRecord[]): unknown[][] {
  return INCIDENT_WRITE_COLUMNS.map(([name]) =>
    name === 'field_changes'
      ? incidents.map(i => JSON.stringify(i.field_changes))
      : incidents.map(i => (i as unknown as Record<string, unknown>)[name]),
  );
}

/**
 * The start of an outbox INSERT from `unnest` rows `o` (columns of `outboxWriteArrays`);
 * the one binding is `created_at`. Each statement adds its FROM, condition and order.
 */
export const OUTBOX_INSERT_FROM_O = [
  `INSERT INTO outbox (integration_id, incident_id, operation, payload, state, attempts, next_attempt_at, trace_context, created_at)`,
  `  SELECT o.integration_id, o.incident_id, o.operation, o.payload, 'pending', 0, o.next_attempt_at, o.trace_context, ?::bigint`,
].join('\n');

/** One array per outbox column `o` carries (integration_id, incident_id, operation, payload, next_attempt_at, trace_context), rows as `outboxRow` writes them. */
export function outboxWriteArrays(
  outbox: OutboxInsert[],
  now: number,
): unknown[][] {
  const rows = outbox.map(r => outboxRow(r, now));
  return (
    [
      'integration_id',
      'incident_id',
      'operation',
      'payload',
      'next_attempt_at',
      'trace_context',
    ] as const
  ).map(column => rows.map(r => r[column]));
}

const WRITE_IF_UNCHANGED = [
  `WITH v AS (SELECT * FROM unnest(?::text[], ?::integer[], ${INCIDENT_WRITE_TYPES}) AS t(id, read_version, ${INCIDENT_WRITE_NAMES})),`,
  `written AS (UPDATE incidents SET ${INCIDENT_SET_FROM_V}`,
  // Under READ COMMITTED a row another writer holds is waited for and this check made
  // again on the row it committed, so a lost race shows as the row not written.
  `  FROM v WHERE incidents.id = v.id AND incidents.version = v.read_version RETURNING incidents.id),`,
  `queued AS (${OUTBOX_INSERT_FROM_O}`,
  `  FROM unnest(?::integer[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])`,
  `    AS o(seq, integration_id, incident_id, operation, payload, next_attempt_at, trace_context)`,
  // Ids are drawn in this order: the rows of one ticket stay in the order of their changes.
  `  WHERE o.incident_id IN (SELECT id FROM written) ORDER BY o.seq)`,
  `SELECT id FROM written`,
].join('\n');

/** An incident as a batch of changes left it, and the version the batch read it at. */
export interface IncidentWrite {
  incident: IncidentRecord;
  readVersion: number;
}

/**
 * Changes a batch may hold to take this way. The statement has no parameter limit (one
 * array a column), but the larger a batch, the likelier it loses a race and is applied
 * twice; a larger one takes the locked way from the start.
 */
export const MAX_OPTIMISTIC_WRITES = 500;

/**
 * Postgres only: writes changed incidents and their outbox rows in one statement, without
 * a transaction or a lock taken beforehand. An incident is written only if it still has
 * the version it was read at (another writer that committed meanwhile wins), and only the
 * outbox rows of incidents written go in, in the order given, so the statement is
 * all-or-nothing per incident. Returns the ids written; the caller applies the rest again
 * under a lock.
 */
export async function writeIncidentsIfUnchanged(
  db: Knex,
  writes: IncidentWrite[],
  outbox: OutboxInsert[],
  now: number,
): Promise<Set<string>> {
  if (!writes.length) return new Set();
  // One array a column: the statement's text never changes, so Postgres parses it once per
  // connection (a named prepared statement) whatever the number of rows.
  const bindings = [
    writes.map(w => w.incident.id),
    writes.map(w => w.readVersion),
    ...incidentWriteArrays(writes.map(w => w.incident)),
    now,
    outbox.map((_, seq) => seq),
    ...outboxWriteArrays(outbox, now),
  ];
  const result = await prepared(
    db.raw(WRITE_IF_UNCHANGED, bindings as Knex.RawBinding[]),
    'write_incidents_if_unchanged_v1',
  );
  return new Set((result.rows as Array<{ id: string }>).map(r => r.id));
}
