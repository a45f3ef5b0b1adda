import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { FieldChanges } from '../engine/fields';
import { changedFields } from '../engine/fields';
import type { FieldChangeMark } from '../engine/conflicts';
import { json, num } from './rows';
import { LinkRepository, toLinkRecord } from './LinkRepository';
import { OutboxRepository } from './OutboxRepository';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkWithIntegration,
  OutboxInsert,
} from './types';
import { IntegrationRepository } from './IntegrationRepository';

function toRecord(row: any): IncidentRecord {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    assigned_to: row.assigned_to ?? null,
    escalation_policy: row.escalation_policy ?? null,
    entity_ref: row.entity_ref ?? null,
    version: num(row.version),
    field_changes: json(row.field_changes, {}),
    created_at: num(row.created_at),
    updated_at: num(row.updated_at),
  };
}

/** Decides the outbox rows of one incident change; pure, supplied by the sync layer. */
export type OutboxPlanner = (input: {
  incident: IncidentRecord;
  changes: FieldChanges;
  /** Where the change came from: `platform` or `integration:<id>`. */
  source: string;
  links: LinkWithIntegration[];
}) => OutboxInsert[];

export interface IncidentValues {
  title: string;
  description: string;
  severity: IncidentRecord['severity'];
  status: IncidentRecord['status'];
  assigned_to: string | null;
  escalation_policy: string | null;
  entity_ref: string | null;
}

/** Platform incidents. Every change writes its outbox rows in the same transaction. */
export class IncidentRepository {
  constructor(private readonly db: Knex) {}

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
      plan: OutboxPlanner;
      external?: { integrationId: string; id: string; key?: string | null; url?: string | null; written: Record<string, unknown> };
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
        version: 1,
        field_changes: JSON.stringify(marks),
        created_at: options.now,
        updated_at: options.now,
      });
      const incident = (await this.get(id, tx))!;
      if (options.external) {
        const link = await LinkRepository.ensure(tx, id, options.external.integrationId, options.now, options.external);
        await tx('links').where({ id: link.id }).update({ last_written: JSON.stringify(options.external.written) });
      }
      const links: LinkWithIntegration[] = [];
      for (const integration of options.linkTo) {
        const link = await LinkRepository.ensure(tx, id, integration.id, options.now);
        links.push({ link, integration, rules: await new IntegrationRepository(tx).rules(integration.id) });
      }
      const { title, description, severity, status, assigned_to, escalation_policy } = values;
      const rows = options.plan({
        incident,
        changes: { title, description, severity, status, assigned_to, escalation_policy },
        source: options.source,
        links,
      });
      await OutboxRepository.insert(tx, rows, options.now);
      return incident;
    };
    return options.tx ? run(options.tx) : this.db.transaction(run);
  }

  async get(id: string, tx: Knex = this.db): Promise<IncidentRecord | undefined> {
    const row = await tx('incidents').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async getMany(ids: string[]): Promise<IncidentRecord[]> {
    if (!ids.length) return [];
    return (await this.db('incidents').whereIn('id', ids)).map(toRecord);
  }

  async list(filter: { entity_ref?: string; status?: string; limit: number }): Promise<IncidentRecord[]> {
    const q = this.db('incidents').orderBy('created_at', 'desc').limit(filter.limit);
    if (filter.entity_ref) q.where({ entity_ref: filter.entity_ref });
    if (filter.status) q.where({ status: filter.status });
    return (await q).map(toRecord);
  }

  /**
   * Applies changes and writes the outbox rows the planner asks for, in one
   * transaction. Returns the fields that really changed (none: nothing is written).
   */
  async update(
    id: string,
    requested: FieldChanges & { entity_ref?: string | null },
    options: { now: number; source: string; plan: OutboxPlanner; tx?: Knex.Transaction },
  ): Promise<{ incident: IncidentRecord; changed: FieldChanges } | undefined> {
    const run = async (tx: Knex.Transaction) => {
      const lock = tx('incidents').where({ id }).first();
      if (tx.client.config.client === 'pg') lock.forUpdate();
      const row = await lock;
      if (!row) return undefined;
      const before = toRecord(row);
      const { entity_ref, ...fields } = requested;
      const changed = changedFields(before, fields);
      const entityChanged = entity_ref !== undefined && entity_ref !== before.entity_ref;
      if (!Object.keys(changed).length && !entityChanged) return { incident: before, changed };
      const marks = { ...before.field_changes };
      for (const field of Object.keys(changed)) marks[field] = { at: options.now, source: options.source };
      await tx('incidents')
        .where({ id })
        .update({
          ...changed,
          ...(entityChanged ? { entity_ref } : {}),
          version: before.version + 1,
          field_changes: JSON.stringify(marks),
          updated_at: options.now,
        });
      const incident = (await this.get(id, tx))!;
      if (Object.keys(changed).length) {
        const links = await this.linksWithIntegrations(tx, id);
        const rows = options.plan({ incident, changes: changed, source: options.source, links });
        await OutboxRepository.insert(tx, rows, options.now);
      }
      return { incident, changed };
    };
    return options.tx ? run(options.tx) : this.db.transaction(run);
  }

  /** Adds a note or event to the timeline and enqueues its delivery, in one transaction. */
  async addTimelineEntry(
    incidentId: string,
    entry: { kind: 'note' | 'event'; text: string; author?: string | null; source: string },
    options: { now: number; plan?: (links: LinkWithIntegration[]) => OutboxInsert[]; tx?: Knex.Transaction },
  ): Promise<void> {
    const run = async (tx: Knex.Transaction) => {
      await tx('incident_timeline').insert({
        incident_id: incidentId,
        kind: entry.kind,
        text: entry.text,
        author: entry.author ?? null,
        source: entry.source,
        created_at: options.now,
      });
      if (options.plan) {
        const rows = options.plan(await this.linksWithIntegrations(tx, incidentId));
        await OutboxRepository.insert(tx, rows, options.now);
      }
    };
    return options.tx ? run(options.tx) : this.db.transaction(run);
  }

  async timeline(incidentId: string): Promise<Array<{ kind: string; text: string; author: string | null; source: string; created_at: number }>> {
    const rows = await this.db('incident_timeline').where({ incident_id: incidentId }).orderBy('id');
    return rows.map(r => ({ kind: r.kind, text: r.text, author: r.author ?? null, source: r.source, created_at: num(r.created_at) }));
  }

  /** The incident's links with their integrations and rules: three queries, whatever the number of links. */
  async linksWithIntegrations(tx: Knex, incidentId: string): Promise<LinkWithIntegration[]> {
    const links = (await tx('links').where({ incident_id: incidentId }).orderBy('created_at')).map(toLinkRecord);
    if (!links.length) return [];
    const repo = new IntegrationRepository(tx);
    const ids = links.map(l => l.integration_id);
    const integrations = new Map((await repo.getMany(ids)).map(i => [i.id, i]));
    const rules = await repo.rulesOf(ids);
    return links.flatMap(link => {
      const integration = integrations.get(link.integration_id);
      return integration ? [{ link, integration, rules: rules.get(integration.id) ?? [] }] : [];
    });
  }
}
