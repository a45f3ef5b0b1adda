import type { Knex } from 'knex';
import type { IncidentRecord, OutboxInsert } from './types';

/** An incident as a batch of changes left it, and the version the batch read it at. */
export interface IncidentWrite {
  incident: IncidentRecord;
  readVersion: number;
}

/** Incidents and outbox rows one statement may carry (well inside 65,535 bound parameters). */
export const MAX_OPTIMISTIC_WRITES = 500;

/**
 * Postgres only: writes changed incidents and their outbox rows in one statement, without
 * a transaction or a lock taken beforehand. An incident is written only if it still has
 * the version it was read at (another writer that committed meanwhile wins), and only the
 * outbox rows of incidents written go in, in the order given, so the statement is
 * all-or-nothing per incident. Returns the ids written; the caller applies the rest again
 * under a lock.
 */
export async function writeIncidentsIfUnchanged(db: Knex, writes: IncidentWrite[], outbox: OutboxInsert[], now: number): Promise<Set<string>> {
  if (!writes.length) return new Set();
  const incidentValues = writes.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const incidentBindings = writes.flatMap(({ incident: i, readVersion }) => [
    i.id,
    readVersion,
    i.title,
    i.description,
    i.severity,
    i.status,
    i.assigned_to,
    i.escalation_policy,
    i.entity_ref,
    i.version,
    JSON.stringify(i.field_changes),
    i.updated_at,
  ]);
  const outboxBindings = outbox.flatMap((r, seq) => [
    seq,
    r.integration_id,
    r.incident_id,
    r.operation,
    JSON.stringify(r.payload),
    Math.max(now, r.not_before ?? now),
    r.trace_context ? JSON.stringify(r.trace_context) : null,
    now,
  ]);
  const sql = [
    `WITH v AS (SELECT column1 AS id, CAST(column2 AS integer) AS read_version, column3 AS title, column4 AS description,`,
    `  column5 AS severity, column6 AS status, column7 AS assigned_to, column8 AS escalation_policy, column9 AS entity_ref,`,
    `  CAST(column10 AS integer) AS version, column11 AS field_changes, CAST(column12 AS bigint) AS updated_at`,
    `  FROM (VALUES ${incidentValues}) AS t),`,
    `written AS (UPDATE incidents SET title = v.title, description = v.description, severity = v.severity, status = v.status,`,
    `  assigned_to = v.assigned_to, escalation_policy = v.escalation_policy, entity_ref = v.entity_ref, version = v.version,`,
    `  field_changes = v.field_changes, updated_at = v.updated_at`,
    // Under READ COMMITTED a row another writer holds is waited for and this check made
    // again on the row it committed, so a lost race shows as the row not written.
    `  FROM v WHERE incidents.id = v.id AND incidents.version = v.read_version RETURNING incidents.id)`,
    outbox.length
      ? [
          `, queued AS (INSERT INTO outbox (integration_id, incident_id, operation, payload, state, attempts, next_attempt_at, trace_context, created_at)`,
          `  SELECT o.integration_id, o.incident_id, o.operation, o.payload, 'pending', 0, o.next_attempt_at, o.trace_context, o.created_at`,
          `  FROM (SELECT CAST(column1 AS integer) AS seq, column2 AS integration_id, column3 AS incident_id, column4 AS operation,`,
          `    column5 AS payload, CAST(column6 AS bigint) AS next_attempt_at, column7 AS trace_context, CAST(column8 AS bigint) AS created_at`,
          `    FROM (VALUES ${outbox.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}) AS t) AS o`,
          // Ids are drawn in this order: the rows of one ticket stay in the order of their changes.
          `  WHERE o.incident_id IN (SELECT id FROM written) ORDER BY o.seq)`,
        ].join('\n')
      : '',
    `SELECT id FROM written`,
  ].join('\n');
  const result = await db.raw(sql, [...incidentBindings, ...outboxBindings]);
  return new Set((result.rows as Array<{ id: string }>).map(r => r.id));
}
