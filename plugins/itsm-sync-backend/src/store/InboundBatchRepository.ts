import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { chunks } from './chunks';
import { IntegrationRepository } from './IntegrationRepository';
import { incidentUpdateValues, toIncidentRecord } from './IncidentRepository';
import { LINK_COLUMNS, toLinkRecord } from './LinkRepository';
import type { IncidentRecord, IntegrationRecord, LinkRecord } from './types';


export interface TimelineInsert {
  incident_id: string;
  kind: 'note' | 'event';
  text: string;
  author: string | null;
  source: string;
  created_at: number;
}

/**
 * The set-based reads and writes of a batch of inbound changes, all inside the
 * caller's transaction: a constant number of statements however many changes, besides
 * one UPDATE per incident or link the batch really changed.
 */
export class InboundBatchRepository {
  /**
   * All links of the incidents the given tickets are linked to, in one query and without
   * a lock: this only tells which incidents to lock and which integrations they involve.
   * Tickets are matched on each column separately (a row-value list is not portable), so
   * a few extra incidents may come along; they are locked and read, and left untouched.
   */
  static async linksAroundTickets(db: Knex, tickets: Array<{ integrationId: string; externalId: string }>): Promise<LinkRecord[]> {
    if (!tickets.length) return [];
    const integrationIds = [...new Set(tickets.map(t => t.integrationId))];
    const externalIds = [...new Set(tickets.map(t => t.externalId))];
    const out: LinkRecord[] = [];
    for (const part of chunks(externalIds, 500)) {
      const incidents = db('links').whereIn('integration_id', integrationIds).whereIn('external_id', part).select('incident_id');
      out.push(...(await db('links').whereIn('incident_id', incidents)).map(toLinkRecord));
    }
    return out;
  }

  /**
   * Reads the incidents, locked on Postgres until the transaction ends, with all their
   * links, in one statement per 500 incidents (links joined in, so they are read after
   * the lock and current). In id order, so two batches that share incidents lock them in
   * the same order and cannot deadlock.
   */
  static async lockIncidentsWithLinks(tx: Knex, ids: string[]): Promise<{ incidents: Map<string, IncidentRecord>; links: LinkRecord[] }> {
    const incidents = new Map<string, IncidentRecord>();
    const links: LinkRecord[] = [];
    for (const part of chunks([...new Set(ids)].sort(), 500)) {
      const read = tx('incidents as i')
        .leftJoin('links as l', 'l.incident_id', 'i.id')
        .whereIn('i.id', part)
        .orderBy([{ column: 'i.id' }, { column: 'l.created_at' }])
        .select('i.*', ...LINK_COLUMNS.map(c => `l.${c} as link__${c}`));
      if (tx.client.config.client === 'pg') read.forUpdate('i');
      for (const row of await read) {
        if (!incidents.has(row.id)) incidents.set(row.id, toIncidentRecord(row));
        if (row.link__id !== null && row.link__id !== undefined) {
          links.push(toLinkRecord(Object.fromEntries(LINK_COLUMNS.map(c => [c, row[`link__${c}`]]))));
        }
      }
    }
    return { incidents, links };
  }

  /** The integrations not known yet, and the rules of all: two queries at once, none for no ids. */
  static async integrationsWithRules(
    db: Knex,
    ids: string[],
    known: Map<string, IntegrationRecord>,
  ): Promise<{ integrations: IntegrationRecord[]; rules: Map<string, FieldOwnershipRule[]> }> {
    if (!ids.length) return { integrations: [], rules: new Map() };
    const repo = new IntegrationRepository(db);
    const missing = ids.filter(id => !known.has(id));
    const [integrations, rules] = await Promise.all([missing.length ? repo.getMany(missing) : [], repo.rulesOf(ids)]);
    return { integrations, rules };
  }

  static insertTimeline(tx: Knex, rows: TimelineInsert[]): Knex.QueryBuilder[] {
    return chunks(rows).map(part => tx('incident_timeline').insert(part));
  }

  /** Writes an incident's final values of the batch. */
  static updateIncident(tx: Knex, incident: IncidentRecord): Knex.QueryBuilder {
    return tx('incidents').where({ id: incident.id }).update(incidentUpdateValues(incident));
  }

  /** Remembers what the vendor holds; `conflict` marks the link as waiting for review. */
  static updateLink(tx: Knex, link: LinkRecord, conflict: boolean): Knex.QueryBuilder {
    return tx('links')
      .where({ id: link.id })
      .update({
        last_written: JSON.stringify(link.last_written),
        ...(conflict ? { sync_state: 'conflict', last_error: null } : {}),
      });
  }

  /** Adds to counters, one row per (integration, metric), in one upsert; in key order, so concurrent batches lock alike. */
  static addToMetrics(tx: Knex, counts: Array<{ integration_id: string; metric: string; value: number }>): Knex.QueryBuilder[] {
    const rows = [...counts].sort((a, b) => a.integration_id.localeCompare(b.integration_id) || a.metric.localeCompare(b.metric));
    return chunks(rows).map(part =>
      tx('integration_metrics')
        .insert(part)
        .onConflict(['integration_id', 'metric'])
        .merge({ value: tx.raw('?? + ??', ['integration_metrics.value', 'excluded.value']) }),
    );
  }

  /**
   * Runs independent writes (no two touching one row) as one statement on Postgres, as
   * data-modifying CTEs: one round trip instead of one each. One by one elsewhere, in
   * the order given.
   */
  static async writeTogether(tx: Knex, writes: Knex.QueryBuilder[]): Promise<void> {
    if (tx.client.config.client !== 'pg' || writes.length < 2) {
      for (const write of writes) await write;
      return;
    }
    // Postgres binds at most 65535 parameters per statement.
    let group: Knex.QueryBuilder[] = [];
    let bindings = 0;
    const flush = async () => {
      if (group.length === 1) await group[0];
      else if (group.length) await tx.raw(`WITH ${group.map((_, i) => `w${i} AS (?)`).join(', ')} SELECT 1`, group);
      group = [];
      bindings = 0;
    };
    for (const write of writes) {
      const count = write.toSQL().bindings.length;
      if (bindings + count > 30_000) await flush();
      group.push(write);
      bindings += count;
    }
    await flush();
  }
}
