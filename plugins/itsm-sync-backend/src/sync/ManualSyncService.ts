import { cooldownSecondsOf } from '../engine/manualSyncCooldown';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import type { ManualSyncResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { pickPlatformFields } from '../engine/fields';
import { outboundChanges, sendsOutbound } from '../engine/ownership';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import { inSpan, SpanKind, syncAttributes } from '../telemetry/instruments';
import { captureTraceContext } from '../telemetry/traceContext';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { RoutingService } from './RoutingService';

/** A second manual sync inside the cooldown; answered 429 with the time left. */
export class ManualSyncTooSoonError extends CustomErrorBase {
  // @backstage/errors has no 429 error; the answer names it as the HTTP status does.
  name = 'TooManyRequestsError' as const;

  constructor(
    readonly retryAfterSeconds: number,
    readonly cooldownUntil: Date,
  ) {
    super(
      `This incident was synced with the ITSM moments ago; the next manual sync is allowed in ${retryAfterSeconds} s`,
    );
  }
}

/** The manual sync was queued but not finished within the wait; it will still be delivered. */
export interface ManualSyncPending {
  state: 'pending';
  incident_id: string;
  integration_id: string;
  outbox_id: number;
  external_id: string | null;
  last_error: string | null;
  cooldown_until: string;
}

/** The manual sync ended in the DLQ (a permanent vendor error or retries exhausted). */
export class ManualSyncFailedError extends CustomErrorBase {
  name = 'ManualSyncFailedError' as const;
}

/**
 * "Sync with ITSM" (docs/sync-semantics.md#manual-sync): creates or updates the incident's ticket now, through the
 * normal outbox so order per ticket, retries and coalescing all still hold. A second
 * manual sync inside the cooldown is refused; automatic updates in the window wait for its
 * end and then go out coalesced (see engine/manualSyncCooldown.ts).
 */
export class ManualSyncService {
  constructor(
    private readonly options: {
      store: SyncStore;
      connectors: ConnectorRegistry;
      clock: Clock;
      wake: () => void;
      /** Where a ticket this creates opens, from the entity's annotations (as routing would put it). */
      routing?: Pick<RoutingService, 'targetFor'>;
      /** How long the request waits for the vendor call, ms. */
      waitMs?: number;
      pollMs?: number;
    },
  ) {}

  async sync(
    integration: IntegrationRecord,
    incidentId: string,
  ): Promise<ManualSyncResponse | ManualSyncPending> {
    return inSpan(
      `manual sync ${integration.integration_type}`,
      syncAttributes({
        integrationId: integration.id,
        integrationType: integration.integration_type,
        direction: 'outbound',
        incidentId,
        operation: 'send',
      }),
      SpanKind.PRODUCER,
      undefined,
      async set => {
        const result = await this.syncUnspanned(integration, incidentId);
        if ('external_id' in result && result.external_id)
          set({ 'sync.external_id': result.external_id });
        return result;
      },
    );
  }

  private async syncUnspanned(
    integration: IntegrationRecord,
    incidentId: string,
  ): Promise<ManualSyncResponse | ManualSyncPending> {
    const { store, connectors, clock } = this.options;
    if (!connectors.canSend(integration.integration_type)) {
      throw new InputError(
        `Integration '${integration.name}' has no installed connector that can send tickets`,
      );
    }
    if (!integration.enabled)
      throw new ConflictError(`Integration '${integration.name}' is disabled`);
    if (!sendsOutbound(integration.sync_direction)) {
      throw new ConflictError(
        `Integration '${integration.name}' syncs ${integration.sync_direction} only; it sends nothing`,
      );
    }
    const incident = await store.incidents.get(incidentId);
    if (!incident)
      throw new NotFoundError(`No incident with id '${incidentId}'`);

    const cooldownMs = cooldownSecondsOf(integration) * 1000;
    const rules = await store.integrations.rules(integration.id);
    const mapper = connectors.mapperFor(integration.integration_type);
    // Kept only on a link this creates: an incident with no ticket yet gets it where routing would.
    const target = await this.options.routing?.targetFor(incident, integration);
    const now = clock.now();
    const started = await store.manualSync.start({
      incidentId,
      integrationId: integration.id,
      target,
      now,
      cooldownMs,
      traceContext: captureTraceContext(),
      payload: () => {
        // Every field the platform sends to this integration, sent whether it changed or not.
        const changes = outboundChanges(
          pickPlatformFields(incident as any),
          rules,
          mapper,
        );
        return { changes, forced: Object.keys(changes) };
      },
    });
    if (started.kind === 'cooldown') {
      const left = Math.max(1, Math.ceil((started.until - now) / 1000));
      throw new ManualSyncTooSoonError(left, new Date(started.until));
    }
    this.options.wake();
    const cooldownUntil = new Date(now + cooldownMs).toISOString();
    const row = await this.waitForSettled(started.outboxId);

    if (row?.state === 'delivered') {
      const link = (await store.links.get(incidentId, integration.id))!;
      return {
        incident_id: incidentId,
        integration_id: integration.id,
        external_id: link.external_id!,
        external_key: link.external_key,
        external_url: link.external_url,
        synced_at: new Date(link.last_synced_at ?? clock.now()).toISOString(),
        cooldown_until: cooldownUntil,
      };
    }
    if (row?.state === 'dead' || !row) {
      // A failed sync does not lock the button: the person may fix the cause and try again.
      await store.manualSync.release(
        started.link.id,
        now,
        started.previousManualSyncAt,
      );
      // Newest first, so this is the entry the manual sync just made.
      const entry = (await store.dlq.list(integration.id)).find(
        e => e.incident_id === incidentId,
      );
      const reason =
        entry?.last_error ??
        (await store.links.get(incidentId, integration.id))?.last_error ??
        'see the DLQ';
      throw new ManualSyncFailedError(
        `Sync with ${integration.name} failed: ${reason}`,
      );
    }
    const link = await store.links.get(incidentId, integration.id);
    return {
      state: 'pending',
      incident_id: incidentId,
      integration_id: integration.id,
      outbox_id: started.outboxId,
      external_id: link?.external_id ?? null,
      last_error: row.last_error,
      cooldown_until: cooldownUntil,
    };
  }

  private async waitForSettled(outboxId: number) {
    const deadline = Date.now() + (this.options.waitMs ?? 15_000);
    const pollMs = this.options.pollMs ?? 50;
    for (;;) {
      const row = await this.options.store.outbox.get(outboxId);
      if (!row || row.state !== 'pending' || Date.now() >= deadline) return row;
      await new Promise(resolve => setTimeout(resolve, pollMs));
    }
  }
}
