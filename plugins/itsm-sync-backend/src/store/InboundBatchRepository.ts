import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { isPostgres } from './dialect';
import { chunks } from './chunks';
import { ConflictRepository } from './ConflictRepository';
import { DeliveryRepository } from './DeliveryRepository';
import {
  collectIncidentsWithLinks,
  IncidentRepository,
  incidentsWithLinksWhereIdIn,
  INCIDENTS_WITH_LINKS_SELECT,
} from './IncidentRepository';
import { IntegrationRepository } from './IntegrationRepository';
import { lastWrittenMergedWith, LinkRepository } from './LinkRepository';
import { MetricsRepository } from './MetricsRepository';
import { OutboxRepository } from './OutboxRepository';
import { prepared } from './preparedStatements';
import { TraceRepository, type TraceInsert } from './TraceRepository';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
  OutboxInsert,
} from './types';
import {
  writeInboundIfUnchanged,
  type InboundWrite,
  type SettledChange,
} from './writeInboundIfUnchanged';
import { writeTogether } from './writeTogether';

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
  /** A note's channel; null for an event. */
  visibility?: string | null;
  /** The vendor's id of the note it came from, when it has one. */
  external_note_id?: string | null;
  created_at: number;
}

/** What is read of a batch before its transaction (or, on Postgres, instead of one). */
export interface PreparedBatch {
  /** The incidents the changes' tickets are linked to, and all their links, read without a lock. */
  incidents: Map<string, IncidentRecord>;
  links: LinkRecord[];
  /** The changes' integrations (as verified for this batch) and their rules. */
  integrations: Map<string, IntegrationRecord>;
  rules: Map<string, FieldOwnershipRule[]>;
}

/** Everything a batch applied the locked way writes inside its transaction. */
export interface LockedInboundWrite {
  conflicts: Array<Parameters<ConflictRepository['create']>[0]>;
  outbox: OutboxInsert[];
  timeline: TimelineInsert[];
  trace: TraceInsert[];
  /** The incidents the batch changed, as it left them. */
  incidents: IncidentRecord[];
  /** Links whose remembered values the batch added to; `conflict` marks one for review. */
  links: Array<{
    link: LinkRecord;
    remembered: Record<string, unknown>;
    conflict: boolean;
  }>;
  settled: { applied: SettledChange[]; ignored: SettledChange[] };
  counts: Array<{ integration_id: string; metric: string; value: number }>;
  /** Links whose ticket the vendor deleted, by id, with why. */
  gone: Map<string, string>;
}

const keyOf = ({ integrationId, change }: SettledChange) => ({
  integrationId,
  eventId: change.eventId,
});

/**
 * The set-based reads and writes of a batch of inbound changes: a constant number of
 * statements however many changes, besides one UPDATE per link whose remembered values
 * the batch really changed. The writes run inside the caller's transaction (the locked
 * way; the Postgres batch written in one statement is writeInboundIfUnchanged.ts).
 */
export class InboundBatchRepository {
  constructor(private readonly db: Knex) {}

  /** Whether a batch can be written in one statement if nothing it read changed (Postgres). */
  get writesIfUnchanged(): boolean {
    return isPostgres(this.db);
  }

  /**
   * The reads that need no lock: the incidents the tickets belong to with their links, and
   * the integrations and rules those incidents involve, besides the senders given.
   */
  async prepare(
    senders: IntegrationRecord[],
    tickets: Array<{ integrationId: string; externalId: string }>,
  ): Promise<PreparedBatch> {
    const integrations = new Map(senders.map(i => [i.id, i]));
    const rules = new Map<string, FieldOwnershipRule[]>();
    // The senders' rules are read alongside the links; only integrations the links bring
    // in (fan-out) need a second read.
    const [{ incidents, links }] = await Promise.all([
      InboundBatchRepository.readAroundTickets(this.db, tickets),
      IntegrationRepository.readWithRulesInto(
        this.db,
        [...integrations.keys()],
        integrations,
        rules,
      ),
    ]);
    await IntegrationRepository.readWithRulesInto(
      this.db,
      links.map(l => l.integration_id),
      integrations,
      rules,
    );
    return { incidents, links, integrations, rules };
  }

  /** The incidents (locked FOR UPDATE on Postgres, in id order) and all their links; inside a transaction. */
  lockWithLinks(incidentIds: string[]) {
    return IncidentRepository.lockWithLinks(this.db, incidentIds);
  }

  /** Reads the integrations and rules not in `rules` yet into both maps (see IntegrationRepository.readWithRulesInto). */
  readIntegrationsInto(
    ids: string[],
    integrations: Map<string, IntegrationRecord>,
    rules: Map<string, FieldOwnershipRule[]>,
  ) {
    return IntegrationRepository.readWithRulesInto(
      this.db,
      ids,
      integrations,
      rules,
    );
  }

  /**
   * Writes a batch inside its transaction: any conflicts first, then the rest as one
   * statement on Postgres: the outbox rows and the timeline rows in one multi-row insert
   * each, one UPDATE for the changed incidents (locked since the load), one per link whose
   * remembered values changed, the inbox rows settled per outcome, and the counters in one
   * upsert, last and in key order (hot rows).
   */
  async write(batch: LockedInboundWrite, now: number): Promise<void> {
    const tx = this.db;
    const conflicts = new ConflictRepository(tx);
    for (const conflict of batch.conflicts)
      await conflicts.create(conflict, now);
    const deliveries = new DeliveryRepository(tx);
    // Links in id order, as the counters: hot rows are locked in one order by every writer.
    const links = new Map(batch.links.map(l => [l.link.id, l]));
    await writeTogether(tx, [
      ...OutboxRepository.insertStatements(tx, batch.outbox, now),
      ...InboundBatchRepository.insertTimeline(tx, batch.timeline),
      ...TraceRepository.insertStatements(tx, batch.trace),
      ...IncidentRepository.updateStatements(tx, batch.incidents),
      ...[...links.keys()].sort().map(id => {
        const { link, remembered, conflict } = links.get(id)!;
        return InboundBatchRepository.updateLink(
          tx,
          link,
          remembered,
          conflict,
        );
      }),
      ...deliveries.settleStatements(
        'applied',
        batch.settled.applied.map(keyOf),
        now,
        tx,
      ),
      ...deliveries.settleStatements(
        'ignored',
        batch.settled.ignored.map(keyOf),
        now,
        tx,
      ),
      ...MetricsRepository.incrementStatements(tx, batch.counts),
    ]);
    // After the rest: a gone link may also be among the links updated above (one row, one statement).
    for (const [id, why] of [...batch.gone.entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      await LinkRepository.markGoneStatement(tx, id, why);
    }
  }

  /**
   * Postgres: writes a batch decided on what `prepare` read in one statement, if none of the
   * incidents it read changed since (see writeInboundIfUnchanged.ts). Whether it wrote.
   */
  writeIfUnchanged(batch: InboundWrite, now: number): Promise<boolean> {
    return writeInboundIfUnchanged(this.db, batch, now);
  }

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
      const result = await prepared(
        db.raw(AROUND_TICKETS, [
          integrationIds,
          externalIds,
        ] as Knex.RawBinding[]),
        'incidents_around_tickets_v1',
      );
      collectIncidentsWithLinks(result.rows, incidents, links);
      return { incidents, links };
    }
    for (const part of chunks(externalIds, 500)) {
      const ids = db('links')
        .whereIn('integration_id', integrationIds)
        .whereIn('external_id', part)
        .select('incident_id');
      collectIncidentsWithLinks(
        await incidentsWithLinksWhereIdIn(db, ids),
        incidents,
        links,
      );
    }
    return { incidents, links };
  }

  static insertTimeline(
    tx: Knex,
    rows: TimelineInsert[],
  ): Array<Knex.QueryBuilder | Knex.Raw> {
    if (!rows.length) return [];
    if (isPostgres(tx)) {
      // Column arrays: a short statement whatever the number of rows, in their order.
      return [
        tx.raw(
          `INSERT INTO incident_timeline (incident_id, kind, text, author, source, visibility, external_note_id, created_at)
  SELECT t.incident_id, t.kind, t.text, t.author, t.source, t.visibility, t.external_note_id, t.created_at
  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS t(incident_id, kind, text, author, source, visibility, external_note_id, created_at, n)
  ORDER BY t.n`,
          [
            rows.map(r => r.incident_id),
            rows.map(r => r.kind),
            rows.map(r => r.text),
            rows.map(r => r.author),
            rows.map(r => r.source),
            rows.map(r => r.visibility ?? null),
            rows.map(r => r.external_note_id ?? null),
            rows.map(r => r.created_at),
          ] as Knex.RawBinding[],
        ),
      ];
    }
    return chunks(rows).map(part =>
      tx('incident_timeline').insert(
        part.map(r => ({
          ...r,
          visibility: r.visibility ?? null,
          external_note_id: r.external_note_id ?? null,
        })),
      ),
    );
  }

  /**
   * Remembers what the vendor holds: `remembered` is merged into the stored values key by
   * key (on Postgres in SQL, so a delivery acknowledged meanwhile keeps what it wrote);
   * `conflict` marks the link as waiting for review.
   */
  static updateLink(
    tx: Knex,
    link: LinkRecord,
    remembered: Record<string, unknown>,
    conflict: boolean,
  ): Knex.QueryBuilder {
    return tx('links')
      .where({ id: link.id })
      .update({
        last_written: isPostgres(tx)
          ? tx.raw(lastWrittenMergedWith('?'), [JSON.stringify(remembered)])
          : JSON.stringify(link.last_written),
        ...(conflict ? { sync_state: 'conflict', last_error: null } : {}),
      });
  }
}
