import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  LinkSyncState,
  RoutingTarget,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { bulkUpdateStatements, type BulkColumn } from './bulkUpdate';
import { json, num, numOrNull } from './rows';
import type { LinkRecord } from './types';
import type { LinkRow } from './tableRows';

/** Every column of a link row, for reads that join links under a prefix. */
export const LINK_COLUMNS = [
  'id',
  'incident_id',
  'integration_id',
  'external_id',
  'external_key',
  'external_url',
  'dedup_key',
  'sync_state',
  'last_synced_at',
  'last_error',
  'last_written',
  'last_manual_sync_at',
  'created_at',
  'target',
];

/**
 * Postgres: `links.last_written` with the keys of the JSON object `value` (an SQL
 * expression) merged in, key by key as a JavaScript spread does, in SQL, so writers
 * that remember different keys of one link at once keep each other's.
 */
export const lastWrittenMergedWith = (value: string) =>
  `((CASE WHEN links.last_written LIKE '{%' THEN links.last_written::jsonb ELSE '{}'::jsonb END) || ${value}::jsonb)::text`;

export function toLinkRecord(row: LinkRow): LinkRecord {
  return {
    id: row.id,
    incident_id: row.incident_id,
    integration_id: row.integration_id,
    external_id: row.external_id ?? null,
    external_key: row.external_key ?? null,
    external_url: row.external_url ?? null,
    dedup_key: row.dedup_key,
    sync_state: row.sync_state,
    last_synced_at: numOrNull(row.last_synced_at),
    last_error: row.last_error ?? null,
    last_written: json(row.last_written, {}),
    last_manual_sync_at: numOrNull(row.last_manual_sync_at),
    created_at: num(row.created_at),
    target: json<RoutingTarget | null>(row.target, null),
  };
}

/**
 * The stable key a ticket is created under, so a retried create finds the first one.
 * Both ids in full (70 characters, within ServiceNow's correlation_id, PagerDuty's
 * incident_key and a Jira label): a shortened id could let two incidents share a key.
 */
export function dedupKeyFor(incidentId: string, integrationId: string): string {
  return `itsm-${incidentId.replace(/-/g, '')}-${integrationId.replace(/-/g, '')}`;
}

/** What a delivery records on its link: the ticket when it was created or found, and what it wrote. */
const LINK_DELIVERY_COLUMNS: BulkColumn[] = [
  { name: 'external_id', set: (v, t) => `COALESCE(${v}, ${t})` },
  { name: 'external_key', set: (v, t) => `COALESCE(${v}, ${t})` },
  { name: 'external_url', set: (v, t) => `COALESCE(${v}, ${t})` },
  { name: 'last_written' },
  { name: 'last_synced_at', pgCast: 'bigint' },
  // A conflict waiting for review outlives deliveries of other fields; decided in the
  // UPDATE itself, so a conflict recorded meanwhile by the inbound path is never lost.
  {
    name: 'sync_state',
    set: (_v, t) =>
      `CASE WHEN ${t} IN ('conflict', 'gone') THEN ${t} ELSE 'in_sync' END`,
  },
  { name: 'last_error', set: () => 'NULL' },
];

/** One delivery to record on a link whose row the caller read in the same transaction. */
export interface LinkDelivery {
  row: LinkRow;
  external?: { id: string; key?: string | null; url?: string | null };
  written: Record<string, unknown>;
  now: number;
}

/** Platform incident <-> external ticket. */
export class LinkRepository {
  constructor(private readonly db: Knex) {}

  /** `LinkRepository.ensure` on this repository's database (a transaction's, for a store bound to one). */
  ensure(
    incidentId: string,
    integrationId: string,
    now: number,
    target?: RoutingTarget | null,
  ): Promise<LinkRecord> {
    return LinkRepository.ensure(
      this.db,
      incidentId,
      integrationId,
      now,
      undefined,
      target,
    );
  }

  /**
   * Creates the link if it does not exist yet; returns it either way. Safe when two
   * callers ensure the same link at once: the loser's insert gives way to the winner's.
   * `target` (where routing placed the ticket) is stored only on a new link.
   */
  static async ensure(
    tx: Knex,
    incidentId: string,
    integrationId: string,
    now: number,
    external?: { id: string; key?: string | null; url?: string | null },
    target?: RoutingTarget | null,
  ): Promise<LinkRecord> {
    const existing = await tx('links')
      .where({ incident_id: incidentId, integration_id: integrationId })
      .first();
    if (existing) return toLinkRecord(existing);
    const row = {
      id: randomUUID(),
      incident_id: incidentId,
      integration_id: integrationId,
      external_id: external?.id ?? null,
      external_key: external?.key ?? null,
      external_url: external?.url ?? null,
      dedup_key: dedupKeyFor(incidentId, integrationId),
      sync_state: external ? 'in_sync' : 'pending',
      last_synced_at: external ? now : null,
      last_error: null,
      last_written: '{}',
      last_manual_sync_at: null,
      created_at: now,
      target:
        target && Object.keys(target).length ? JSON.stringify(target) : null,
    };
    await tx('links')
      .insert(row)
      .onConflict(['incident_id', 'integration_id'])
      .ignore();
    const stored = await tx('links')
      .where({ incident_id: incidentId, integration_id: integrationId })
      .first();
    return toLinkRecord(stored);
  }

  async get(
    incidentId: string,
    integrationId: string,
    tx: Knex = this.db,
  ): Promise<LinkRecord | undefined> {
    const row = await tx('links')
      .where({ incident_id: incidentId, integration_id: integrationId })
      .first();
    return row ? toLinkRecord(row) : undefined;
  }

  async byExternalId(
    integrationId: string,
    externalId: string,
    tx: Knex = this.db,
  ): Promise<LinkRecord | undefined> {
    const row = await tx('links')
      .where({ integration_id: integrationId, external_id: externalId })
      .first();
    return row ? toLinkRecord(row) : undefined;
  }

  async forIncident(incidentId: string): Promise<LinkRecord[]> {
    return (
      await this.db('links')
        .where({ incident_id: incidentId })
        .orderBy('created_at')
    ).map(toLinkRecord);
  }

  async forIncidents(incidentIds: string[]): Promise<LinkRecord[]> {
    if (!incidentIds.length) return [];
    return (
      await this.db('links')
        .whereIn('incident_id', incidentIds)
        .orderBy('created_at')
    ).map(toLinkRecord);
  }

  async forIntegration(
    integrationId: string,
    options: { limit?: number; afterId?: string } = {},
  ): Promise<LinkRecord[]> {
    const q = this.db('links')
      .where({ integration_id: integrationId })
      .orderBy('id');
    if (options.afterId) q.andWhere('id', '>', options.afterId);
    if (options.limit) q.limit(options.limit);
    return (await q).map(toLinkRecord);
  }

  async count(integrationId: string): Promise<number> {
    const row = await this.db('links')
      .where({ integration_id: integrationId })
      .count({ n: '*' })
      .first();
    return num(row?.n ?? 0);
  }

  /** Records a ticket the hub created or found, and what it wrote to it. */
  async recordDelivery(
    linkId: string,
    update: {
      external?: { id: string; key?: string | null; url?: string | null };
      written: Record<string, unknown>;
      now: number;
    },
    tx: Knex = this.db,
  ): Promise<void> {
    const row = await tx('links').where({ id: linkId }).first();
    if (!row) return;
    for (const statement of LinkRepository.recordDeliveriesStatements(tx, [
      { row, ...update },
    ]))
      await statement;
  }

  /**
   * `recordDelivery` for many links whose rows the caller read in the same transaction:
   * one UPDATE for all of them, unrun (for `writeTogether`).
   */
  static recordDeliveriesStatements(
    tx: Knex,
    deliveries: LinkDelivery[],
  ): Knex.Raw[] {
    return bulkUpdateStatements(
      tx,
      'links',
      'id',
      LINK_DELIVERY_COLUMNS,
      deliveries.map(d => ({
        id: d.row.id,
        external_id: d.external?.id ?? null,
        external_key: d.external?.key ?? null,
        external_url: d.external?.url ?? null,
        last_written: JSON.stringify({
          ...json<Record<string, unknown>>(d.row.last_written, {}),
          ...d.written,
        }),
        last_synced_at: d.now,
      })),
    );
  }

  /** Marks a link whose ticket the vendor deleted, unrun (for `writeTogether`); `why` goes to last_error. */
  static markGoneStatement(
    tx: Knex,
    linkId: string,
    why: string,
  ): Knex.QueryBuilder {
    return tx('links')
      .where({ id: linkId })
      .update({ sync_state: 'gone', last_error: why });
  }

  async setState(
    linkId: string,
    state: LinkSyncState,
    error: string | null,
    tx: Knex = this.db,
  ): Promise<void> {
    await tx('links')
      .where({ id: linkId })
      .update({ sync_state: state, last_error: error });
  }

  async setStateFor(
    incidentId: string,
    integrationId: string,
    state: LinkSyncState,
    error: string | null,
    tx: Knex = this.db,
  ) {
    await tx('links')
      .where({ incident_id: incidentId, integration_id: integrationId })
      .update({ sync_state: state, last_error: error });
  }

  /**
   * A delivery to the link's ticket failed and will be retried: the link says so with the
   * error, but a conflict waiting for review or a ticket the vendor deleted stays visible.
   */
  async markRetrying(
    incidentId: string,
    integrationId: string,
    error: string,
    tx: Knex = this.db,
  ) {
    await tx('links')
      .where({ incident_id: incidentId, integration_id: integrationId })
      .update({
        sync_state: tx.raw(
          "CASE WHEN sync_state IN ('conflict', 'gone') THEN sync_state ELSE 'pending' END",
        ),
        last_error: error,
      });
  }

  /** Remembers values known to be on the ticket (an inbound change), so they are not echoed back. */
  async rememberExternalValues(
    linkId: string,
    values: Record<string, unknown>,
    tx: Knex = this.db,
  ): Promise<void> {
    const row = await tx('links').where({ id: linkId }).first();
    if (!row) return;
    const merged = {
      ...json<Record<string, unknown>>(row.last_written, {}),
      ...values,
    };
    await tx('links')
      .where({ id: linkId })
      .update({ last_written: JSON.stringify(merged) });
  }

  async setManualSyncAt(linkId: string, at: number): Promise<void> {
    await this.db('links')
      .where({ id: linkId })
      .update({ last_manual_sync_at: at });
  }
}
