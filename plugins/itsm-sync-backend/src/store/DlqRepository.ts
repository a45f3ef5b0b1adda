import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DlqEntryResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { iso, json, num, numOrNull } from './rows';
import { OutboxRepository } from './OutboxRepository';
import type { OutboxRecord } from './types';
import type { DlqRow } from './tableRows';

function toResponse(row: DlqRow): DlqEntryResponse {
  return {
    id: row.id,
    integration_id: row.integration_id,
    incident_id: row.incident_id,
    operation: row.operation,
    payload: json(row.payload, {}),
    attempts: num(row.attempts),
    last_error: row.last_error,
    last_status: numOrNull(row.last_status),
    vendor_body: row.vendor_body ?? null,
    state: row.state,
    created_at: iso(row.created_at),
  };
}

/** Changes that failed for good: kept for a person to retry or discard. */
export class DlqRepository {
  constructor(private readonly db: Knex) {}

  /** Moves an outbox row to the DLQ in one transaction. */
  async deadLetter(
    row: OutboxRecord,
    failure: {
      attempts: number;
      /** Shown to every reader: no vendor body beyond a short sanitised excerpt. */
      error: string;
      status: number | null;
      /** The vendor's full error answer, for managers only. */
      vendorBody?: string | null;
    },
    now: number,
  ): Promise<string> {
    const id = randomUUID();
    await this.db.transaction(async tx => {
      await tx('outbox').where({ id: row.id }).update({
        state: 'dead',
        attempts: failure.attempts,
        last_error: failure.error,
        last_status: failure.status,
        lease_owner: null,
        lease_expires_at: null,
      });
      await tx('dlq').insert({
        id,
        outbox_id: row.id,
        integration_id: row.integration_id,
        incident_id: row.incident_id,
        operation: row.operation,
        payload: JSON.stringify(row.payload),
        attempts: failure.attempts,
        last_error: failure.error,
        last_status: failure.status,
        vendor_body: failure.vendorBody ?? null,
        state: 'failed',
        created_at: now,
        updated_at: now,
      });
      // A ticket the vendor deleted stays gone; a delivery queued before that fails, as it must.
      await tx('links')
        .where({
          incident_id: row.incident_id,
          integration_id: row.integration_id,
        })
        .whereNot({ sync_state: 'gone' })
        .update({ sync_state: 'failed', last_error: failure.error });
    });
    return id;
  }

  async list(
    integrationId: string,
    state?: string,
  ): Promise<DlqEntryResponse[]> {
    const q = this.db('dlq')
      .where({ integration_id: integrationId })
      .orderBy('created_at', 'desc');
    q.andWhere({ state: state ?? 'failed' });
    return (await q).map(toResponse);
  }

  async get(
    integrationId: string,
    id: string,
  ): Promise<DlqEntryResponse | undefined> {
    const row = await this.db('dlq')
      .where({ integration_id: integrationId, id })
      .first();
    return row ? toResponse(row) : undefined;
  }

  /**
   * Puts a failed change back into the outbox at the end of its ticket's queue; the
   * dispatcher sends the incident's current values, so a late retry cannot undo a
   * newer change.
   */
  async retry(
    integrationId: string,
    id: string,
    now: number,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx('dlq')
        .where({ integration_id: integrationId, id, state: 'failed' })
        .first();
      if (!row) return false;
      await OutboxRepository.insert(
        tx,
        [
          {
            integration_id: row.integration_id,
            incident_id: row.incident_id,
            operation: row.operation,
            payload: json(row.payload, {}),
          },
        ],
        now,
      );
      await tx('dlq')
        .where({ id })
        .update({ state: 'retried', updated_at: now });
      await tx('links')
        .where({
          incident_id: row.incident_id,
          integration_id: row.integration_id,
        })
        .update({ sync_state: 'pending' });
      return true;
    });
  }

  async discard(
    integrationId: string,
    id: string,
    now: number,
  ): Promise<boolean> {
    const n = await this.db('dlq')
      .where({ integration_id: integrationId, id, state: 'failed' })
      .update({ state: 'discarded', updated_at: now });
    return n > 0;
  }

  async size(integrationId: string): Promise<number> {
    const row = await this.db('dlq')
      .where({ integration_id: integrationId, state: 'failed' })
      .count({ n: '*' })
      .first();
    return num(row?.n ?? 0);
  }
}
