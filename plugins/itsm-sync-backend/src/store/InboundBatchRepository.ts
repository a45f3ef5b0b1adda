import type { Knex } from 'knex';
import { isPostgres } from './dialect';
import { chunks } from './chunks';
import { collectIncidentsWithLinks, incidentsWithLinksWhereIdIn, INCIDENTS_WITH_LINKS_SELECT } from './IncidentRepository';
import { lastWrittenMergedWith } from './LinkRepository';
import { prepared } from './preparedStatements';
import type { IncidentRecord, LinkRecord } from './types';

const AROUND_TICKETS = [
  INCIDENTS_WITH_LINKS_SELECT,
  `WHERE i.id IN (SELECT t.incident_id FROM links AS t WHERE t.integration_id = ANY(?::text[]) AND t.external_id = ANY(?::text[]))`,
  `ORDER BY i.id, l.created_at`,
].join('\n');

export interface TimelineInsert {
  incident_id: string;
  kind: 'note' | 'event';
  text: string;
  author: string | null;
  source: string;
  created_at: number;
}

/**
 * The set-based reads and writes of a batch of inbound changes: a constant number of
 * statements however many changes, besides one UPDATE per link whose remembered values
 * the batch really changed. The writes run inside the caller's transaction (the locked
 * way; the Postgres batch written in one statement is writeInboundIfUnchanged.ts).
 */
export class InboundBatchRepository {
  /**
   * The incidents the given tickets are linked to, with all their links, in one statement
   * and without a lock. Tickets are matched on each column separately (a row-value list is
   * not portable), so a few extra incidents may come along; they are read and left
   * untouched. On Postgres the text is constant (arrays, not IN lists), so it is prepared.
   */
  static async readAroundTickets(
    db: Knex,
    tickets: Array<{ integrationId: string; externalId: string }>,
  ): Promise<{ incidents: Map<string, IncidentRecord>; links: LinkRecord[] }> {
    const incidents = new Map<string, IncidentRecord>();
    const links: LinkRecord[] = [];
    if (!tickets.length) return { incidents, links };
    const integrationIds = [...new Set(tickets.map(t => t.integrationId))];
    const externalIds = [...new Set(tickets.map(t => t.externalId))];
    if (isPostgres(db)) {
      const result = await prepared(db.raw(AROUND_TICKETS, [integrationIds, externalIds] as Knex.RawBinding[]), 'incidents_around_tickets_v1');
      collectIncidentsWithLinks(result.rows, incidents, links);
      return { incidents, links };
    }
    for (const part of chunks(externalIds, 500)) {
      const ids = db('links').whereIn('integration_id', integrationIds).whereIn('external_id', part).select('incident_id');
      collectIncidentsWithLinks(await incidentsWithLinksWhereIdIn(db, ids), incidents, links);
    }
    return { incidents, links };
  }

  static insertTimeline(tx: Knex, rows: TimelineInsert[]): Array<Knex.QueryBuilder | Knex.Raw> {
    if (!rows.length) return [];
    if (isPostgres(tx)) {
      // Column arrays: a short statement whatever the number of rows, in their order.
      return [
        tx.raw(
          `INSERT INTO incident_timeline (incident_id, kind, text, author, source, created_at)
  SELECT t.incident_id, t.kind, t.text, t.author, t.source, t.created_at
  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS t(incident_id, kind, text, author, source, created_at, n)
  ORDER BY t.n`,
          [
            rows.map(r => r.incident_id),
            rows.map(r => r.kind),
            rows.map(r => r.text),
            rows.map(r => r.author),
            rows.map(r => r.source),
            rows.map(r => r.created_at),
          ] as Knex.RawBinding[],
        ),
      ];
    }
    return chunks(rows).map(part => tx('incident_timeline').insert(part));
  }

  /**
   * Remembers what the vendor holds: `remembered` is merged into the stored values key by
   * key (on Postgres in SQL, so a delivery acknowledged meanwhile keeps what it wrote);
   * `conflict` marks the link as waiting for review.
   */
  static updateLink(tx: Knex, link: LinkRecord, remembered: Record<string, unknown>, conflict: boolean): Knex.QueryBuilder {
    return tx('links')
      .where({ id: link.id })
      .update({
        last_written: isPostgres(tx) ? tx.raw(lastWrittenMergedWith('?'), [JSON.stringify(remembered)]) : JSON.stringify(link.last_written),
        ...(conflict ? { sync_state: 'conflict', last_error: null } : {}),
      });
  }
}
