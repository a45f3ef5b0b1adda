import type { Knex } from 'knex';
import type { SyncTraceEntry } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { chunks } from './chunks';
import { isPostgres } from './dialect';

const TABLE = 'sync_trace';

/** A trace entry to write: everything but its id, with its time as epoch ms. */
export type TraceInsert = Omit<
  SyncTraceEntry,
  'id' | 'at' | 'next_attempt_at'
> & {
  at: number;
  next_attempt_at?: number;
};

/** The columns a trace row is written with (the rest of the entry is JSON). */
function columnsOf(entry: TraceInsert) {
  const { incident_id, integration_id, at, next_attempt_at, ...rest } = entry;
  return {
    incident_id,
    integration_id,
    at,
    entry: JSON.stringify(
      next_attempt_at === undefined
        ? rest
        : { ...rest, next_attempt_at: new Date(next_attempt_at).toISOString() },
    ),
  };
}

/**
 * The sync trace (docs/sync-semantics.md#sync-trace). Entries are written by the batches
 * that make the decisions (`insertStatements`, joined to their statements), read per
 * incident, and pruned by age.
 */
export class TraceRepository {
  constructor(private readonly db: Knex) {}

  /** Inserts of entries, for a caller's batch of writes (one statement on Postgres). */
  static insertStatements(
    tx: Knex,
    entries: TraceInsert[],
  ): Array<Knex.QueryBuilder | Knex.Raw> {
    if (!entries.length) return [];
    const rows = entries.map(columnsOf);
    if (isPostgres(tx)) {
      // Column arrays: a short statement whatever the number of entries.
      return [
        tx.raw(
          `INSERT INTO ${TABLE} (incident_id, integration_id, at, entry)
  SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[])`,
          TraceRepository.entryArrays(entries) as Knex.RawBinding[],
        ),
      ];
    }
    return chunks(rows).map(part => tx(TABLE).insert(part));
  }

  /** The four column arrays of entries, for statements that insert them with `unnest`. */
  static entryArrays(entries: TraceInsert[]) {
    const rows = entries.map(columnsOf);
    return [
      rows.map(r => r.incident_id),
      rows.map(r => r.integration_id),
      rows.map(r => r.at),
      rows.map(r => r.entry),
    ];
  }

  /** Writes entries on their own (the rare paths: a retry, the DLQ). */
  async add(entries: TraceInsert[]): Promise<void> {
    for (const statement of TraceRepository.insertStatements(this.db, entries))
      await statement;
  }

  /** An incident's entries, oldest first, optionally of one integration only. */
  async list(
    incidentId: string,
    options: { integrationId?: string; limit?: number } = {},
  ): Promise<SyncTraceEntry[]> {
    const query = this.db(TABLE)
      .where({ incident_id: incidentId })
      .orderBy('id', 'desc')
      .limit(options.limit ?? 500);
    if (options.integrationId)
      query.andWhere({ integration_id: options.integrationId });
    const rows = await query;
    return rows.reverse().map(row => ({
      id: String(row.id),
      at: new Date(Number(row.at)).toISOString(),
      incident_id: row.incident_id,
      integration_id: row.integration_id ?? null,
      ...JSON.parse(row.entry),
    }));
  }

  /** Deletes entries older than `before`, a batch at a time; returns how many went. */
  async prune(before: number, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = this.db(TABLE)
        .select('id')
        .where('at', '<', before)
        .limit(batch);
      const deleted = await this.db(TABLE).whereIn('id', ids).delete();
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
