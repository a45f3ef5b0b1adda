import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { chunks } from './chunks';
import { IntegrationRepository } from './IntegrationRepository';
import { toLinkRecord } from './LinkRepository';
import { json, num } from './rows';
import type { IncidentRecord, IntegrationRecord, LinkRecord } from './types';

function toIncidentRecord(row: any): IncidentRecord {
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
   * Links of the given tickets, in one query. Matched on each column separately (a
   * row-value list is not portable), so a few extra links may come back; callers look
   * links up by the exact pair.
   */
  static async linksByTickets(tx: Knex, tickets: Array<{ integrationId: string; externalId: string }>): Promise<LinkRecord[]> {
    if (!tickets.length) return [];
    const integrationIds = [...new Set(tickets.map(t => t.integrationId))];
    const externalIds = [...new Set(tickets.map(t => t.externalId))];
    const out: LinkRecord[] = [];
    for (const part of chunks(externalIds, 500)) {
      const rows = await tx('links').whereIn('integration_id', integrationIds).whereIn('external_id', part);
      out.push(...rows.map(toLinkRecord));
    }
    return out;
  }

  /**
   * Reads the incidents, locked on Postgres until the transaction ends. In id order, so
   * two batches that share incidents lock them in the same order and cannot deadlock.
   */
  static async lockIncidents(tx: Knex, ids: string[]): Promise<Map<string, IncidentRecord>> {
    const out = new Map<string, IncidentRecord>();
    for (const part of chunks([...new Set(ids)].sort(), 500)) {
      const read = tx('incidents').whereIn('id', part).orderBy('id');
      if (tx.client.config.client === 'pg') read.forUpdate();
      for (const row of await read) out.set(row.id, toIncidentRecord(row));
    }
    return out;
  }

  /**
   * The links of the incidents (read after the incidents were locked, so fresh), and
   * the integrations and rules of those links plus `alsoIntegrationIds`: three queries.
   */
  static async incidentContext(
    tx: Knex,
    incidentIds: string[],
    alsoIntegrationIds: string[],
  ): Promise<{ links: LinkRecord[]; integrations: Map<string, IntegrationRecord>; rules: Map<string, FieldOwnershipRule[]> }> {
    const links: LinkRecord[] = [];
    for (const part of chunks(incidentIds, 500)) {
      links.push(...(await tx('links').whereIn('incident_id', part).orderBy('created_at')).map(toLinkRecord));
    }
    const ids = [...new Set([...links.map(l => l.integration_id), ...alsoIntegrationIds])];
    const repo = new IntegrationRepository(tx);
    const integrations = new Map((await repo.getMany(ids)).map(i => [i.id, i]));
    const rules = await repo.rulesOf(ids);
    return { links, integrations, rules };
  }

  static async insertTimeline(tx: Knex, rows: TimelineInsert[]): Promise<void> {
    for (const part of chunks(rows)) await tx('incident_timeline').insert(part);
  }

  /** Writes an incident's final values of the batch. */
  static async updateIncident(tx: Knex, incident: IncidentRecord): Promise<void> {
    await tx('incidents').where({ id: incident.id }).update({
      title: incident.title,
      description: incident.description,
      severity: incident.severity,
      status: incident.status,
      assigned_to: incident.assigned_to,
      escalation_policy: incident.escalation_policy,
      entity_ref: incident.entity_ref,
      version: incident.version,
      field_changes: JSON.stringify(incident.field_changes),
      updated_at: incident.updated_at,
    });
  }

  /** Remembers what the vendor holds; `conflict` marks the link as waiting for review. */
  static async updateLink(tx: Knex, link: LinkRecord, conflict: boolean): Promise<void> {
    await tx('links')
      .where({ id: link.id })
      .update({
        last_written: JSON.stringify(link.last_written),
        ...(conflict ? { sync_state: 'conflict', last_error: null } : {}),
      });
  }
}
