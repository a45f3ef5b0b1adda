import type { Knex } from 'knex';
import { numOrNull } from './rows';
import type { BigintColumn } from './tableRows';

/** A conflict or DLQ entry listeners have not been told about yet, with its incident. */
export interface UnannouncedRecord {
  id: string;
  integration_id: string;
  incident_id: string;
  incident_title: string;
  entity_ref: string | null;
  /** conflicts: `pending` or `resolved`; DLQ entries: their state (`failed` while in the queue). */
  status: string;
  field: string | null;
  operation: string | null;
  last_error: string | null;
  last_status: number | null;
}

/** The episodes an integration is in (epoch ms of their start; null when not in one). */
export interface IntegrationNoticeState {
  integration_id: string;
  dlq_episode_started_at: number | null;
  unhealthy_since: number | null;
}

interface UnannouncedRow {
  id: string;
  integration_id: string;
  incident_id: string;
  incident_title: string;
  entity_ref: string | null;
  status: string;
  field?: string | null;
  operation?: string | null;
  last_error?: string | null;
  last_status?: BigintColumn | null;
}

function toRecord(row: UnannouncedRow): UnannouncedRecord {
  return {
    id: row.id,
    integration_id: row.integration_id,
    incident_id: row.incident_id,
    incident_title: row.incident_title,
    entity_ref: row.entity_ref ?? null,
    status: row.status,
    field: row.field ?? null,
    operation: row.operation ?? null,
    last_error: row.last_error ?? null,
    last_status: numOrNull(row.last_status ?? null),
  };
}

/**
 * What the sync event feed has announced (docs/sync-semantics.md#notifications): marks on
 * conflicts and DLQ entries, and each integration's open episodes. In the database so that
 * replicas and restarts announce each thing once.
 */
export class NoticeRepository {
  constructor(private readonly db: Knex) {}

  /** Conflicts not yet announced, oldest first. */
  async unannouncedConflicts(limit: number): Promise<UnannouncedRecord[]> {
    const rows = await this.db('conflicts as c')
      .join('incidents as i', 'i.id', 'c.incident_id')
      .whereNull('c.announced_at')
      .orderBy([
        { column: 'c.created_at', order: 'asc' },
        { column: 'c.id', order: 'asc' },
      ])
      .limit(limit)
      .select(
        'c.id',
        'c.integration_id',
        'c.incident_id',
        'c.status',
        'c.field',
        'i.title as incident_title',
        'i.entity_ref',
      );
    return rows.map(toRecord);
  }

  /** DLQ entries not yet announced, oldest first. */
  async unannouncedDeadLetters(limit: number): Promise<UnannouncedRecord[]> {
    const rows = await this.db('dlq as d')
      .join('incidents as i', 'i.id', 'd.incident_id')
      .whereNull('d.announced_at')
      .orderBy([
        { column: 'd.created_at', order: 'asc' },
        { column: 'd.id', order: 'asc' },
      ])
      .limit(limit)
      .select(
        'd.id',
        'd.integration_id',
        'd.incident_id',
        'd.state as status',
        'd.operation',
        'd.last_error',
        'd.last_status',
        'i.title as incident_title',
        'i.entity_ref',
      );
    return rows.map(toRecord);
  }

  async markConflictsAnnounced(ids: string[], now: number): Promise<void> {
    if (ids.length)
      await this.db('conflicts')
        .whereIn('id', ids)
        .update({ announced_at: now });
  }

  async markDeadLettersAnnounced(ids: string[], now: number): Promise<void> {
    if (ids.length)
      await this.db('dlq').whereIn('id', ids).update({ announced_at: now });
  }

  /** Every integration's episodes; integrations never in one have no row. */
  async states(): Promise<Map<string, IntegrationNoticeState>> {
    const rows = await this.db('integration_notices').select();
    return new Map(
      rows.map(r => [
        r.integration_id,
        {
          integration_id: r.integration_id,
          dlq_episode_started_at: numOrNull(r.dlq_episode_started_at),
          unhealthy_since: numOrNull(r.unhealthy_since),
        },
      ]),
    );
  }

  async saveState(state: IntegrationNoticeState): Promise<void> {
    await this.db('integration_notices')
      .insert(state)
      .onConflict('integration_id')
      .merge(['dlq_episode_started_at', 'unhealthy_since']);
  }
}
