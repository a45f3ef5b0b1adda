import type { Knex } from 'knex';
import { isPostgres } from './dialect';
import { chunks } from './chunks';
import { toLinkRecord } from './LinkRepository';
import type { LinkRecord } from './types';

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
 * one UPDATE per link whose remembered values the batch really changed.
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

  /** Remembers what the vendor holds; `conflict` marks the link as waiting for review. */
  static updateLink(tx: Knex, link: LinkRecord, conflict: boolean): Knex.QueryBuilder {
    return tx('links')
      .where({ id: link.id })
      .update({
        last_written: JSON.stringify(link.last_written),
        ...(conflict ? { sync_state: 'conflict', last_error: null } : {}),
      });
  }

}
