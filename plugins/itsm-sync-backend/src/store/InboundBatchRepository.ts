import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { chunks } from './chunks';
import { IntegrationRepository } from './IntegrationRepository';
import { incidentUpdateValues } from './IncidentRepository';
import { toLinkRecord } from './LinkRepository';
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
}
