import type { Knex } from 'knex';
import type { RoutingTarget } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { OutboxPayload } from '../engine/coalesce';
import { LinkRepository, toLinkRecord } from './LinkRepository';
import { numOrNull } from './rows';
import type { LinkRecord } from './types';

/** What starting a manual sync did. */
export type ManualSyncStart =
  | { kind: 'cooldown'; until: number }
  | {
      kind: 'queued';
      outboxId: number;
      link: LinkRecord;
      previousManualSyncAt: number | null;
    };

/**
 * The SQL of "Sync with ITSM" (docs/sync-semantics.md#manual-sync): take the link's cooldown slot and queue one
 * outbox row, atomically, so two clicks (or two replicas) cannot both pass the cooldown.
 */
export class ManualSyncRepository {
  constructor(private readonly db: Knex) {}

  async start(input: {
    incidentId: string;
    integrationId: string;
    /** Where the ticket opens at the vendor, stored if the link is new. */
    target?: RoutingTarget;
    now: number;
    cooldownMs: number;
    payload: (link: LinkRecord) => OutboxPayload;
    traceContext?: Record<string, string> | null;
  }): Promise<ManualSyncStart> {
    const { incidentId, integrationId, now, cooldownMs } = input;
    const link = await this.ensureLink(
      incidentId,
      integrationId,
      now,
      input.target,
    );
    return this.db.transaction(async tx => {
      // Conditional update: only one caller per cooldown window gets the slot.
      const taken = await tx('links')
        .where({ id: link.id })
        .andWhere(q =>
          q
            .whereNull('last_manual_sync_at')
            .orWhere('last_manual_sync_at', '<=', now - cooldownMs),
        )
        .update({ last_manual_sync_at: now });
      if (!taken) {
        const row = await tx('links')
          .where({ id: link.id })
          .first('last_manual_sync_at');
        return {
          kind: 'cooldown',
          until: (numOrNull(row?.last_manual_sync_at) ?? now) + cooldownMs,
        };
      }
      const [inserted] = await tx('outbox')
        .insert({
          integration_id: integrationId,
          incident_id: incidentId,
          operation: 'sync',
          payload: JSON.stringify(input.payload(link)),
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          trace_context: input.traceContext
            ? JSON.stringify(input.traceContext)
            : null,
          created_at: now,
        })
        .returning('id');
      const outboxId = Number(
        typeof inserted === 'object' ? inserted.id : inserted,
      );
      return {
        kind: 'queued',
        outboxId,
        link,
        previousManualSyncAt: link.last_manual_sync_at,
      };
    });
  }

  /** The link, created if missing; a simultaneous caller that created it first wins. */
  private async ensureLink(
    incidentId: string,
    integrationId: string,
    now: number,
    target: RoutingTarget | undefined,
  ): Promise<LinkRecord> {
    try {
      return await LinkRepository.ensure(
        this.db,
        incidentId,
        integrationId,
        now,
        undefined,
        target,
      );
    } catch (error) {
      const existing = await this.db('links')
        .where({ incident_id: incidentId, integration_id: integrationId })
        .first();
      if (existing) return toLinkRecord(existing);
      throw error;
    }
  }

  /** Gives the cooldown slot back after a failed manual sync, unless a newer one took it. */
  async release(
    linkId: string,
    takenAt: number,
    previous: number | null,
  ): Promise<void> {
    await this.db('links')
      .where({ id: linkId, last_manual_sync_at: takenAt })
      .update({ last_manual_sync_at: previous });
  }
}
