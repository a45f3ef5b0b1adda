import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ConflictResolution } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { json, num, numOrNull } from './rows';
import type { ConflictRecord } from './types';
import type { ConflictRow } from './tableRows';

function toRecord(row: ConflictRow): ConflictRecord {
  return {
    id: row.id,
    integration_id: row.integration_id,
    incident_id: row.incident_id,
    field: row.field,
    platform_value: json(row.platform_value, null),
    platform_changed_at: num(row.platform_changed_at),
    external_value: json(row.external_value, null),
    external_changed_at: num(row.external_changed_at),
    status: row.status,
    resolution: row.resolution ?? null,
    resolved_by: row.resolved_by ?? null,
    resolved_at: numOrNull(row.resolved_at),
    created_at: num(row.created_at),
  };
}

/** Conflicts queued for manual review (and those settled automatically, for the record). */
export class ConflictRepository {
  constructor(private readonly db: Knex) {}

  async create(
    c: Omit<
      ConflictRecord,
      'id' | 'resolution' | 'resolved_by' | 'resolved_at' | 'created_at'
    > & {
      resolution?: ConflictResolution | null;
      resolved_by?: string | null;
    },
    now: number,
    tx: Knex = this.db,
  ): Promise<string> {
    const id = randomUUID();
    await tx('conflicts').insert({
      id,
      integration_id: c.integration_id,
      incident_id: c.incident_id,
      field: c.field,
      platform_value: JSON.stringify(c.platform_value ?? null),
      platform_changed_at: c.platform_changed_at,
      external_value: JSON.stringify(c.external_value ?? null),
      external_changed_at: c.external_changed_at,
      status: c.status,
      resolution: c.resolution ?? null,
      resolved_by: c.resolved_by ?? null,
      resolved_at: c.status === 'resolved' ? now : null,
      created_at: now,
    });
    return id;
  }

  async get(id: string): Promise<ConflictRecord | undefined> {
    const row = await this.db('conflicts').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async list(filter: {
    status?: string;
    integrationId?: string;
    incidentId?: string;
  }): Promise<ConflictRecord[]> {
    const q = this.db('conflicts').orderBy('created_at', 'desc').limit(1000);
    if (filter.status) q.where({ status: filter.status });
    if (filter.integrationId) q.where({ integration_id: filter.integrationId });
    if (filter.incidentId) q.where({ incident_id: filter.incidentId });
    return (await q).map(toRecord);
  }

  /** Marks a pending conflict resolved; false when it was not pending (resolved twice). */
  async resolve(
    id: string,
    resolution: ConflictResolution,
    by: string,
    now: number,
    tx: Knex = this.db,
  ): Promise<boolean> {
    const n = await tx('conflicts').where({ id, status: 'pending' }).update({
      status: 'resolved',
      resolution,
      resolved_by: by,
      resolved_at: now,
    });
    return n > 0;
  }

  async pendingCount(integrationId: string): Promise<number> {
    const row = await this.db('conflicts')
      .where({ integration_id: integrationId, status: 'pending' })
      .count({ n: '*' })
      .first();
    return num(row?.n ?? 0);
  }

  async pendingForIncident(incidentId: string): Promise<ConflictRecord[]> {
    return (
      await this.db('conflicts').where({
        incident_id: incidentId,
        status: 'pending',
      })
    ).map(toRecord);
  }
}
