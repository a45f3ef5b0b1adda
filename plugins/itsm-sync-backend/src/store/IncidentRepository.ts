import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { RoutingTarget } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { NoteVisibility } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { isPostgres } from './dialect';
import type { FieldChanges } from '../engine/fields';
import type {
  FieldChangeMark,
  PlatformChangeConflict,
  PlatformChangeConflicts,
} from '../engine/conflicts';
import { ConflictRepository } from './ConflictRepository';
import { MetricsRepository } from './MetricsRepository';
import {
  applyIncidentChange,
  type IncidentChanges,
} from '../engine/incidentChange';
import { json, num } from './rows';
import { chunks } from './chunks';
import { LINK_COLUMNS, LinkRepository, toLinkRecord } from './LinkRepository';
import { OutboxRepository } from './OutboxRepository';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
  LinkWithIntegration,
  OutboxInsert,
} from './types';
import { IntegrationRepository } from './IntegrationRepository';
import { bulkUpdateStatements, type BulkColumn } from './bulkUpdate';
import { writeTogether } from './writeTogether';
import { prepared } from './preparedStatements';
import {
  MAX_OPTIMISTIC_WRITES,
  writeIncidentsIfUnchanged,
} from './writeIncidentsIfUnchanged';
import {
  unprefixed,
  type IncidentRow,
  type IncidentWithLinkRow,
  type LinkRow,
} from './tableRows';

export function toIncidentRecord(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    assigned_to: row.assigned_to ?? null,
    escalation_policy: row.escalation_policy ?? null,
    entity_ref: row.entity_ref ?? null,
    incident_type: row.incident_type ?? null,
    version: num(row.version),
    field_changes: json(row.field_changes, {}),
    created_at: num(row.created_at),
    updated_at: num(row.updated_at),
  };
}

/**
 * Rows of incidents left-joined with their links (link columns as `link__<column>`),
 * ordered by incident: each incident once into `incidents`, each link into `links`.
 */
export function collectIncidentsWithLinks(
  rows: IncidentWithLinkRow[],
  incidents: Map<string, IncidentRecord>,
  links: LinkRecord[],
) {
  for (const row of rows) {
    if (!incidents.has(row.id)) incidents.set(row.id, toIncidentRecord(row));
    if (row.link__id !== null && row.link__id !== undefined) {
      links.push(
        toLinkRecord(unprefixed<LinkRow>(row, 'link__', LINK_COLUMNS)),
      );
    }
  }
}

/** Incidents left-joined with their links (as `link__<column>`), for `collectIncidentsWithLinks`; Postgres. */
export const INCIDENTS_WITH_LINKS_SELECT = `SELECT i.*, ${LINK_COLUMNS.map(c => `l.${c} AS link__${c}`).join(', ')} FROM incidents AS i LEFT JOIN links AS l ON l.incident_id = i.id`;

const isReadonlyArray = (value: unknown): value is readonly string[] =>
  Array.isArray(value);

/** The same read built for SQLite: the incidents whose id is among `ids` (values or a subquery). */
export function incidentsWithLinksWhereIdIn(
  db: Knex,
  ids: readonly string[] | Knex.QueryBuilder,
): Promise<IncidentWithLinkRow[]> {
  const q = db('incidents as i').leftJoin(
    'links as l',
    'l.incident_id',
    'i.id',
  );
  // Two calls, because no overload of whereIn takes the union.
  if (isReadonlyArray(ids)) q.whereIn('i.id', ids);
  else q.whereIn('i.id', ids);
  return q
    .orderBy([{ column: 'i.id' }, { column: 'l.created_at' }])
    .select('i.*', ...LINK_COLUMNS.map(c => `l.${c} as link__${c}`));
}

const INCIDENTS_WITH_LINKS = `${INCIDENTS_WITH_LINKS_SELECT} WHERE i.id = ANY(?::text[]) ORDER BY i.id, l.created_at`;
// Locked in id order, so two batches that share incidents cannot deadlock.
const INCIDENTS_WITH_LINKS_LOCKED = `${INCIDENTS_WITH_LINKS} FOR UPDATE OF i`;

/** What a change may write to an incident row. */
const INCIDENT_UPDATE_COLUMNS: BulkColumn[] = [
  { name: 'title' },
  { name: 'description' },
  { name: 'severity' },
  { name: 'status' },
  { name: 'assigned_to' },
  { name: 'escalation_policy' },
  { name: 'entity_ref' },
  { name: 'incident_type' },
  { name: 'version', pgCast: 'integer' },
  { name: 'field_changes' },
  { name: 'updated_at', pgCast: 'bigint' },
];

/** Every column of an incident row, for reads that join incidents under a prefix. */
export const INCIDENT_COLUMNS = [
  'id',
  ...INCIDENT_UPDATE_COLUMNS.map(c => c.name),
  'created_at',
];

/** The values a change writes to an incident row, from the record as the change left it. */
function incidentUpdateValues(
  incident: IncidentRecord,
): Record<string, unknown> {
  const columns: Record<string, unknown> = { ...incident };
  const values: Record<string, unknown> = Object.fromEntries(
    INCIDENT_UPDATE_COLUMNS.map(c => [c.name, columns[c.name]]),
  );
  values.field_changes = JSON.stringify(incident.field_changes);
  return values;
}

/** Decides the outbox rows of one incident change; pure, supplied by the sync layer. */
export type OutboxPlanner = (input: {
  incident: IncidentRecord;
  changes: FieldChanges;
  /** Where the change came from: `platform` or `integration:<id>`. */
  source: string;
  links: LinkWithIntegration[];
}) => OutboxInsert[];

/** Field changes as the API takes them: the synced fields and the entity reference. */
export type { IncidentChanges };

/** One change of a batch: which incident, what, from where, and how to plan its outbox rows. */
export interface IncidentUpdateRequest {
  id: string;
  changes: IncidentChanges;
  /** `platform` or `integration:<id>`. */
  source: string;
  plan: OutboxPlanner;
  /**
   * For a platform change: the conflicts it raises with integrations' recent changes
   * (engine/conflicts.ts `platformChangeConflicts`), decided on the incident as read.
   */
  detectConflicts?: (
    incident: IncidentRecord,
    changes: IncidentChanges,
    links: LinkWithIntegration[],
  ) => PlatformChangeConflicts;
}

/** A conflict a platform change raised, with its incident. */
type RaisedConflict = PlatformChangeConflict & { incident_id: string };

/** The planned rows without the fields held back from an integration (a conflict waiting for review). */
function withoutHeld(
  rows: OutboxInsert[],
  held: Map<string, string[]> | undefined,
): OutboxInsert[] {
  if (!held?.size) return rows;
  return rows.flatMap(row => {
    const fields = held.get(row.integration_id);
    if (!fields || row.operation !== 'sync') return [row];
    const changes = { ...row.payload.changes };
    for (const field of fields)
      delete (changes as Record<string, unknown>)[field];
    if (!Object.keys(changes).length && !row.payload.forced?.length) return [];
    return [{ ...row, payload: { ...row.payload, changes } }];
  });
}

/** The incident as one change left it, the fields that really changed, and its links. */
export interface IncidentUpdateResult {
  incident: IncidentRecord;
  changed: FieldChanges;
  links: LinkWithIntegration[];
}

export interface IncidentValues {
  title: string;
  description: string;
  severity: IncidentRecord['severity'];
  status: IncidentRecord['status'];
  assigned_to: string | null;
  escalation_policy: string | null;
  entity_ref: string | null;
  incident_type?: string | null;
}

/** Platform incidents. Every change writes its outbox rows in the same transaction. */
export class IncidentRepository {
  constructor(private readonly db: Knex) {}

  /** The transaction to join: the one given, else this repository's own when its store is bound to one. */
  private callerTransaction(
    tx?: Knex.Transaction,
  ): Knex.Transaction | undefined {
    return (
      tx ??
      ((this.db as Knex.Transaction).isTransaction
        ? (this.db as Knex.Transaction)
        : undefined)
    );
  }

  /**
   * Creates an incident, links it to `linkTo` integrations, and enqueues the ticket
   * creations, all in one transaction. `external` links a ticket that already exists
   * (an incident created by an inbound webhook).
   */
  async create(
    values: IncidentValues,
    options: {
      now: number;
      source: string;
      linkTo: IntegrationRecord[];
      /** Where routing placed each new ticket, by integration id (stored on its link). */
      targets?: ReadonlyMap<string, RoutingTarget>;
      plan: OutboxPlanner;
      external?: {
        integrationId: string;
        id: string;
        key?: string | null;
        url?: string | null;
        written: Record<string, unknown>;
      };
      tx?: Knex.Transaction;
    },
  ): Promise<IncidentRecord> {
    const run = async (tx: Knex.Transaction) => {
      const id = randomUUID();
      // Creation is not an edit: a vendor change right after it is not a conflict, so no
      // field carries a change mark until it is really changed.
      const marks: Record<string, FieldChangeMark> = {};
      await tx('incidents').insert({
        id,
        ...values,
        incident_type: values.incident_type ?? null,
        version: 1,
        field_changes: JSON.stringify(marks),
        created_at: options.now,
        updated_at: options.now,
      });
      const incident = (await this.get(id, tx))!;
      if (options.external) {
        const link = await LinkRepository.ensure(
          tx,
          id,
          options.external.integrationId,
          options.now,
          options.external,
        );
        await tx('links')
          .where({ id: link.id })
          .update({ last_written: JSON.stringify(options.external.written) });
      }
      const links: LinkWithIntegration[] = [];
      for (const integration of options.linkTo) {
        const link = await LinkRepository.ensure(
          tx,
          id,
          integration.id,
          options.now,
          undefined,
          options.targets?.get(integration.id),
        );
        links.push({
          link,
          integration,
          rules: await new IntegrationRepository(tx).rules(integration.id),
        });
      }
      const {
        title,
        description,
        severity,
        status,
        assigned_to,
        escalation_policy,
      } = values;
      const rows = options.plan({
        incident,
        changes: {
          title,
          description,
          severity,
          status,
          assigned_to,
          escalation_policy,
        },
        source: options.source,
        links,
      });
      await OutboxRepository.insert(tx, rows, options.now);
      return incident;
    };
    const tx = this.callerTransaction(options.tx);
    return tx ? run(tx) : this.db.transaction(run);
  }

  async get(
    id: string,
    tx: Knex = this.db,
  ): Promise<IncidentRecord | undefined> {
    const row = await tx('incidents').where({ id }).first();
    return row ? toIncidentRecord(row) : undefined;
  }

  async getMany(ids: string[]): Promise<IncidentRecord[]> {
    if (!ids.length) return [];
    return (await this.db('incidents').whereIn('id', ids)).map(
      toIncidentRecord,
    );
  }

  async list(filter: {
    entity_ref?: string;
    status?: string;
    limit: number;
  }): Promise<IncidentRecord[]> {
    const q = this.db('incidents')
      .orderBy('created_at', 'desc')
      .limit(filter.limit);
    if (filter.entity_ref) q.where({ entity_ref: filter.entity_ref });
    if (filter.status) q.where({ status: filter.status });
    return (await q).map(toIncidentRecord);
  }

  /**
   * Applies changes and writes the outbox rows the planner asks for, in one
   * transaction. Returns the fields that really changed (none: nothing is written).
   */
  async update(
    id: string,
    requested: IncidentChanges,
    options: {
      now: number;
      source: string;
      plan: OutboxPlanner;
      tx?: Knex.Transaction;
    },
  ): Promise<{ incident: IncidentRecord; changed: FieldChanges } | undefined> {
    const [result] = await this.updateMany(
      [{ id, changes: requested, source: options.source, plan: options.plan }],
      options,
    );
    return result && { incident: result.incident, changed: result.changed };
  }

  /**
   * Applies many changes with a constant number of statements: the incidents and their
   * links are read in one statement, the links' integrations and rules come from the
   * snapshots, every change is applied in memory in the order given (two changes of one
   * incident each see the one before), then one UPDATE for all changed incidents goes out
   * with the outbox rows' INSERT. Each result holds the incident as that change left it,
   * and its links.
   *
   * On Postgres, outside a caller's transaction, the read takes no lock and the write is
   * one statement that writes an incident only if it is still at the version read (see
   * writeIncidentsIfUnchanged.ts): two round trips and no transaction. The changes of an
   * incident another writer changed meanwhile are applied again the locked way. That way
   * (SQLite, a caller's transaction, a retry) is one transaction: the incidents locked
   * FOR UPDATE on Postgres, in id order so two batches cannot deadlock.
   */
  async updateMany(
    requests: IncidentUpdateRequest[],
    options: { now: number; tx?: Knex.Transaction },
  ): Promise<Array<IncidentUpdateResult | undefined>> {
    const callerTx = this.callerTransaction(options.tx);
    if (
      !callerTx &&
      isPostgres(this.db) &&
      requests.length <= MAX_OPTIMISTIC_WRITES
    ) {
      return this.updateManyIfUnchanged(requests, options.now);
    }
    return callerTx
      ? this.updateLocked(callerTx, requests, options.now)
      : this.db.transaction(tx => this.updateLocked(tx, requests, options.now));
  }

  private async updateLocked(
    tx: Knex.Transaction,
    requests: IncidentUpdateRequest[],
    now: number,
  ) {
    const read = await IncidentRepository.lockWithLinks(
      tx,
      requests.map(r => r.id),
    );
    const applied = this.applyInMemory(
      requests,
      read.incidents,
      await this.withIntegrations(tx, read.links),
      now,
    );
    // The incidents and their outbox rows in one round trip on Postgres.
    await writeTogether(tx, [
      ...IncidentRepository.updateStatements(
        tx,
        [...applied.dirty].map(id => read.incidents.get(id)!),
      ),
      ...OutboxRepository.insertStatements(tx, applied.outbox, now),
    ]);
    if (applied.conflicts.length)
      await IncidentRepository.writeConflicts(tx, applied.conflicts, now);
    return applied.results;
  }

  /** Records conflicts platform changes raised; a pending one puts its link in `conflict`. Rare. */
  private static async writeConflicts(
    tx: Knex.Transaction,
    conflicts: RaisedConflict[],
    now: number,
  ) {
    const repository = new ConflictRepository(tx);
    const counts: Array<{
      integration_id: string;
      metric: string;
      value: number;
    }> = [];
    for (const conflict of conflicts) {
      await repository.create(conflict, now);
      counts.push({
        integration_id: conflict.integration_id,
        metric: 'conflicts_detected',
        value: 1,
      });
      if (conflict.status === 'resolved')
        counts.push({
          integration_id: conflict.integration_id,
          metric: 'conflicts_resolved',
          value: 1,
        });
      else
        await tx('links')
          .where({
            incident_id: conflict.incident_id,
            integration_id: conflict.integration_id,
          })
          .update({ sync_state: 'conflict', last_error: null });
    }
    for (const statement of MetricsRepository.incrementStatements(tx, counts))
      await statement;
  }

  private async updateManyIfUnchanged(
    requests: IncidentUpdateRequest[],
    now: number,
  ) {
    const read = await IncidentRepository.readWithLinks(
      this.db,
      requests.map(r => r.id),
      { lock: false },
    );
    const readVersions = new Map(
      [...read.incidents].map(([id, incident]) => [id, incident.version]),
    );
    const applied = this.applyInMemory(
      requests,
      read.incidents,
      await this.withIntegrations(this.db, read.links),
      now,
    );
    // Conflicts are rare and written one by one: the batch goes the locked way.
    if (applied.conflicts.length)
      return this.db.transaction(tx => this.updateLocked(tx, requests, now));
    const writes = [...applied.dirty].map(id => ({
      incident: read.incidents.get(id)!,
      readVersion: readVersions.get(id)!,
    }));
    const written = await writeIncidentsIfUnchanged(
      this.db,
      writes,
      applied.outbox,
      now,
    );
    const lost = new Set([...applied.dirty].filter(id => !written.has(id)));
    if (!lost.size) return applied.results;
    // Changed by another writer since the read: those incidents' changes go again, locked.
    const again = requests.flatMap((request, index) =>
      lost.has(request.id) ? [{ request, index }] : [],
    );
    const redone = await this.db.transaction(tx =>
      this.updateLocked(
        tx,
        again.map(a => a.request),
        now,
      ),
    );
    const results = [...applied.results];
    again.forEach(({ index }, i) => (results[index] = redone[i]));
    return results;
  }

  /**
   * Applies changes to incidents read into `current` (updated in place), in order; the
   * incidents changed and the outbox rows their planners ask for. Pure.
   */
  private applyInMemory(
    requests: IncidentUpdateRequest[],
    current: Map<string, IncidentRecord>,
    links: Map<string, LinkWithIntegration[]>,
    now: number,
  ): {
    results: Array<IncidentUpdateResult | undefined>;
    dirty: Set<string>;
    outbox: OutboxInsert[];
    conflicts: RaisedConflict[];
  } {
    const dirty = new Set<string>();
    const outbox: OutboxInsert[] = [];
    const conflicts: RaisedConflict[] = [];
    const results = requests.map(request => {
      const before = current.get(request.id);
      if (!before) return undefined;
      const incidentLinks = links.get(request.id) ?? [];
      const { source } = request;
      const detected = request.detectConflicts?.(
        before,
        request.changes,
        incidentLinks,
      );
      const changes = { ...request.changes };
      for (const field of detected?.refused ?? [])
        delete (changes as Record<string, unknown>)[field];
      for (const conflict of detected?.conflicts ?? [])
        conflicts.push({ ...conflict, incident_id: before.id });
      const applied = applyIncidentChange({
        incident: before,
        changes,
        source,
        now,
        plan: (incident, changed) =>
          withoutHeld(
            request.plan({
              incident,
              changes: changed,
              source,
              links: incidentLinks,
            }),
            detected?.held,
          ),
      });
      const { incident, changed } = applied;
      if (!applied.written) return { incident, changed, links: incidentLinks };
      current.set(incident.id, incident);
      dirty.add(incident.id);
      outbox.push(...applied.outbox);
      return { incident, changed, links: incidentLinks };
    });
    return { results, dirty, outbox, conflicts };
  }

  /** Adds a note or event to the timeline and enqueues its delivery, in one transaction. */
  async addTimelineEntry(
    incidentId: string,
    entry: {
      kind: 'note' | 'event';
      text: string;
      author?: string | null;
      source: string;
      visibility?: NoteVisibility | null;
    },
    options: {
      now: number;
      plan?: (links: LinkWithIntegration[]) => OutboxInsert[];
      tx?: Knex.Transaction;
    },
  ): Promise<void> {
    const run = async (tx: Knex.Transaction) => {
      await tx('incident_timeline').insert({
        incident_id: incidentId,
        kind: entry.kind,
        text: entry.text,
        author: entry.author ?? null,
        source: entry.source,
        visibility: entry.visibility ?? null,
        created_at: options.now,
      });
      if (options.plan) {
        const rows = options.plan(
          await this.linksWithIntegrations(tx, incidentId),
        );
        await OutboxRepository.insert(tx, rows, options.now);
      }
    };
    const tx = this.callerTransaction(options.tx);
    return tx ? run(tx) : this.db.transaction(run);
  }

  async timeline(incidentId: string): Promise<
    Array<{
      kind: string;
      text: string;
      author: string | null;
      source: string;
      visibility: NoteVisibility | null;
      external_note_id: string | null;
      created_at: number;
    }>
  > {
    const rows = await this.db('incident_timeline')
      .where({ incident_id: incidentId })
      .orderBy('id');
    return rows.map(r => ({
      kind: r.kind,
      text: r.text,
      author: r.author ?? null,
      source: r.source,
      visibility: r.visibility ?? null,
      external_note_id: r.external_note_id ?? null,
      created_at: num(r.created_at),
    }));
  }

  /**
   * The notes an incident had before `before` (epoch ms), oldest first: what a ticket
   * opened later is backfilled with (docs/sync-semantics.md#notes-and-channels).
   */
  async notesBefore(
    incidentId: string,
    before: number,
  ): Promise<
    Array<{
      id: number;
      text: string;
      author: string | null;
      source: string;
      visibility: NoteVisibility | null;
    }>
  > {
    const rows = await this.db('incident_timeline')
      .where({ incident_id: incidentId, kind: 'note' })
      .andWhere('created_at', '<', before)
      .orderBy('id')
      .select('id', 'text', 'author', 'source', 'visibility');
    return rows.map(r => ({
      id: Number(r.id),
      text: r.text,
      author: r.author ?? null,
      source: r.source,
      visibility: r.visibility ?? null,
    }));
  }

  /** Writes incidents as changes left them: one UPDATE for all (per chunk), unrun (for `writeTogether`). */
  static updateStatements(tx: Knex, incidents: IncidentRecord[]): Knex.Raw[] {
    return bulkUpdateStatements(
      tx,
      'incidents',
      'id',
      INCIDENT_UPDATE_COLUMNS,
      incidents.map(i => ({ id: i.id, ...incidentUpdateValues(i) })),
    );
  }

  /**
   * Reads the incidents, locked on Postgres until the transaction ends, with all their
   * links, in one statement per 500 incidents (links joined in, so they are read after
   * the lock and current). In id order, so two batches that share incidents lock them in
   * the same order and cannot deadlock.
   */
  static lockWithLinks(tx: Knex, ids: string[]) {
    return IncidentRepository.readWithLinks(tx, ids, { lock: true });
  }

  /** `lockWithLinks`, or the same read without the lock (`lock: false`). */
  static async readWithLinks(
    tx: Knex,
    ids: string[],
    options: { lock: boolean },
  ): Promise<{ incidents: Map<string, IncidentRecord>; links: LinkRecord[] }> {
    const incidents = new Map<string, IncidentRecord>();
    const links: LinkRecord[] = [];
    const sorted = [...new Set(ids)].sort();
    if (isPostgres(tx)) {
      // Constant text (not built by the query builder on every call), prepared once per connection.
      const text = options.lock
        ? INCIDENTS_WITH_LINKS_LOCKED
        : INCIDENTS_WITH_LINKS;
      const result = await prepared(
        tx.raw(text, [sorted] as Knex.RawBinding[]),
        options.lock
          ? 'incidents_with_links_locked_v2'
          : 'incidents_with_links_v2',
      );
      collectIncidentsWithLinks(result.rows, incidents, links);
      return { incidents, links };
    }
    for (const part of chunks(sorted, 500))
      collectIncidentsWithLinks(
        await incidentsWithLinksWhereIdIn(tx, part),
        incidents,
        links,
      );
    return { incidents, links };
  }

  /** The incident's links with their integrations and rules: two queries, whatever the number of links. */
  async linksWithIntegrations(
    tx: Knex,
    incidentId: string,
  ): Promise<LinkWithIntegration[]> {
    return (
      (await this.linksOfIncidents(tx, [incidentId])).get(incidentId) ?? []
    );
  }

  /** The links of many incidents with their integrations and rules, by incident id: two queries. */
  async linksOfIncidents(
    tx: Knex,
    incidentIds: string[],
  ): Promise<Map<string, LinkWithIntegration[]>> {
    if (!incidentIds.length) return new Map();
    return this.withIntegrations(
      tx,
      (
        await tx('links')
          .whereIn('incident_id', incidentIds)
          .orderBy('created_at')
      ).map(toLinkRecord),
    );
  }

  /** Links grouped by incident, each with its integration and rules: one query. */
  private async withIntegrations(
    tx: Knex,
    links: LinkRecord[],
  ): Promise<Map<string, LinkWithIntegration[]>> {
    const out = new Map<string, LinkWithIntegration[]>();
    if (!links.length) return out;
    const integrations = new Map(
      (
        await new IntegrationRepository(tx).getManyWithRules(
          links.map(l => l.integration_id),
        )
      ).map(e => [e.integration.id, e]),
    );
    for (const link of links) {
      const entry = integrations.get(link.integration_id);
      if (!entry) continue;
      const list = out.get(link.incident_id) ?? [];
      list.push({ link, integration: entry.integration, rules: entry.rules });
      out.set(link.incident_id, list);
    }
    return out;
  }
}
