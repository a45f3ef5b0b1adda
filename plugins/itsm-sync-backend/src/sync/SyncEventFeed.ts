import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type {
  ItsmSyncEventIncident,
  ItsmSyncEventIntegration,
  ItsmSyncEventListener,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { noticeSettingsOf } from '../engine/noticeSettings';
import type { UnannouncedRecord } from '../store/NoticeRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';
import type { SyncStatusService } from './SyncStatusService';

/** Rows read per round; the rest wait for the next round. */
const BATCH = 500;

/** The health that opens an unhealthy episode (docs/sync-semantics.md#health). */
const UNHEALTHY = 'failing';

const episodeId = (integrationId: string, startedAt: number) =>
  `${integrationId}:${startedAt}`;

function integrationOf(
  integration: IntegrationRecord,
): ItsmSyncEventIntegration {
  let notifications = {};
  try {
    notifications = noticeSettingsOf(integration.settings);
  } catch {
    // Checked when saved; a value stored before the check existed counts as unset.
  }
  return {
    id: integration.id,
    name: integration.name,
    type: integration.integration_type,
    notifications,
  };
}

const incidentOf = (row: UnannouncedRecord): ItsmSyncEventIncident => ({
  id: row.incident_id,
  title: row.incident_title,
  entityRef: row.entity_ref,
});

/**
 * Tells listeners (modules on `itsmSyncEventsExtensionPoint`) about conflicts awaiting
 * review, dead letters and integration health (docs/sync-semantics.md#notifications). It
 * reads committed state, so every write path is covered, and records what it announced in
 * the store, so a round run by the scheduler on one replica announces each thing once.
 */
export class SyncEventFeed {
  private readonly store: SyncStore;
  private readonly listeners: ItsmSyncEventListener[];
  private readonly status: SyncStatusService;
  private readonly clock: Clock;
  private readonly logger: LoggerService;

  constructor(options: {
    store: SyncStore;
    listeners: ItsmSyncEventListener[];
    status: SyncStatusService;
    clock: Clock;
    logger: LoggerService;
  }) {
    this.store = options.store;
    this.listeners = options.listeners;
    this.status = options.status;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** One round: new conflicts, new dead letters, then health and DLQ episodes. */
  async tick(): Promise<void> {
    if (!this.listeners.length) return;
    const integrations = new Map(
      (await this.store.integrations.list()).map(i => [i.id, i]),
    );
    await this.announceConflicts(integrations);
    await this.announceDeadLetters(integrations);
    await this.checkEpisodes(integrations);
  }

  /** Calls every listener; false when one failed (the event is offered again next round). */
  private async tell(
    what: string,
    call: (listener: ItsmSyncEventListener) => Promise<void> | undefined,
  ): Promise<boolean> {
    let ok = true;
    for (const listener of this.listeners) {
      try {
        await call(listener);
      } catch (error) {
        ok = false;
        this.logger.warn(`A sync event listener failed on ${what}`, {
          error: toError(error).message,
        });
      }
    }
    return ok;
  }

  private async announceConflicts(
    integrations: Map<string, IntegrationRecord>,
  ): Promise<void> {
    const rows = await this.store.notices.unannouncedConflicts(BATCH);
    const done: string[] = [];
    for (const row of rows) {
      const integration = integrations.get(row.integration_id);
      // Settled by its strategy, or settled before this round: nothing waits for anyone.
      if (row.status !== 'pending' || !integration) {
        done.push(row.id);
        continue;
      }
      const event = {
        conflictId: row.id,
        field: row.field ?? '',
        integration: integrationOf(integration),
        incident: incidentOf(row),
      };
      const ok = await this.tell('a conflict awaiting review', l =>
        l.conflictAwaitingReview?.(event),
      );
      if (ok) done.push(row.id);
    }
    await this.store.notices.markConflictsAnnounced(done, this.clock.now());
  }

  private async announceDeadLetters(
    integrations: Map<string, IntegrationRecord>,
  ): Promise<void> {
    const rows = await this.store.notices.unannouncedDeadLetters(BATCH);
    const byIntegration = new Map<string, UnannouncedRecord[]>();
    for (const row of rows) {
      const list = byIntegration.get(row.integration_id) ?? [];
      list.push(row);
      byIntegration.set(row.integration_id, list);
    }
    const states = await this.store.notices.states();
    const now = this.clock.now();
    for (const [integrationId, entries] of byIntegration) {
      const integration = integrations.get(integrationId);
      const ids = entries.map(e => e.id);
      if (!integration) {
        await this.store.notices.markDeadLettersAnnounced(ids, now);
        continue;
      }
      const state = states.get(integrationId) ?? {
        integration_id: integrationId,
        dlq_episode_started_at: null,
        unhealthy_since: null,
      };
      if (state.dlq_episode_started_at === null) {
        state.dlq_episode_started_at = now;
        await this.store.notices.saveState(state);
      }
      const event = {
        integration: integrationOf(integration),
        episodeId: episodeId(integrationId, state.dlq_episode_started_at),
        dlqSize: await this.store.dlq.size(integrationId),
        entries: entries.map(e => ({
          id: e.id,
          operation: e.operation ?? '',
          lastError: e.last_error ?? '',
          lastStatus: e.last_status,
          incident: incidentOf(e),
        })),
      };
      const ok = await this.tell('dead letters', l => l.deadLettered?.(event));
      if (ok) await this.store.notices.markDeadLettersAnnounced(ids, now);
    }
  }

  /** Closes DLQ episodes whose DLQ is empty; opens and closes unhealthy episodes. */
  private async checkEpisodes(
    integrations: Map<string, IntegrationRecord>,
  ): Promise<void> {
    const states = await this.store.notices.states();
    const now = this.clock.now();
    for (const integration of integrations.values()) {
      const state = states.get(integration.id) ?? {
        integration_id: integration.id,
        dlq_episode_started_at: null,
        unhealthy_since: null,
      };
      const status = await this.status.status(integration);
      const next = { ...state };
      if (next.dlq_episode_started_at !== null && status.dlq_size === 0) {
        next.dlq_episode_started_at = null;
      }
      // Refused webhooks (a wrong secret) stop inbound sync as surely as failing deliveries.
      const refused = status.webhooks_refused?.[0];
      const unhealthy = status.health === UNHEALTHY || refused !== undefined;
      const startedAt = state.unhealthy_since ?? now;
      if (unhealthy !== (state.unhealthy_since !== null)) {
        const event = {
          integration: integrationOf(integration),
          episodeId: episodeId(integration.id, startedAt),
          state: unhealthy ? ('unhealthy' as const) : ('recovered' as const),
          health: status.health,
          lastError:
            status.last_error ??
            (refused
              ? `webhooks refused: ${refused.reason} (${refused.count_last_hour} in the last hour)`
              : null),
        };
        const ok = await this.tell('integration health', l =>
          l.integrationHealthChanged?.(event),
        );
        if (ok) next.unhealthy_since = unhealthy ? startedAt : null;
      }
      if (
        next.dlq_episode_started_at !== state.dlq_episode_started_at ||
        next.unhealthy_since !== state.unhealthy_since
      ) {
        await this.store.notices.saveState(next);
      }
    }
  }
}
