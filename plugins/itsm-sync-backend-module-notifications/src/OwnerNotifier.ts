import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type {
  ItsmConflictAwaitingReviewEvent,
  ItsmDeadLetteredEvent,
  ItsmIntegrationHealthEvent,
  ItsmSyncEventIntegration,
  ItsmSyncEventListener,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { EntityOwners } from './EntityOwners';
import { conflictNotice, deadLetterNotice, healthNotice } from './messages';

type NoticeKind = 'conflicts' | 'dlq' | 'health';

/** The kinds sent unless an integration turns them off (`itsmSync.notifications.*`). */
interface NoticeDefaults {
  enabled: boolean;
  conflicts: boolean;
  dlq: boolean;
  health: boolean;
}

/**
 * Sends the hub's sync events to the owners they concern through Backstage notifications:
 * a conflict awaiting review and dead letters to the owners of the incident's entity
 * (else the integration's owner), health episodes to the integration's owner.
 */
export class OwnerNotifier implements ItsmSyncEventListener {
  private constructor(
    private readonly defaults: NoticeDefaults,
    private readonly notifications: NotificationService,
    private readonly owners: EntityOwners,
    private readonly logger: LoggerService,
  ) {}

  static fromConfig(
    config: Config,
    deps: {
      notifications: NotificationService;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ): OwnerNotifier {
    const c = config.getOptionalConfig('itsmSync.notifications');
    const flag = (key: string) => c?.getOptionalBoolean(key) ?? true;
    return new OwnerNotifier(
      {
        enabled: flag('enabled'),
        conflicts: flag('conflicts'),
        dlq: flag('dlq'),
        health: flag('health'),
      },
      deps.notifications,
      new EntityOwners(deps.catalog, deps.auth),
      deps.logger,
    );
  }

  /** Whether `kind` is on for `integration`: its own setting, else the global one. */
  private wants(integration: ItsmSyncEventIntegration, kind: NoticeKind) {
    if (!this.defaults.enabled) return false;
    return integration.notifications[kind] ?? this.defaults[kind];
  }

  /** The owners of the incident's entity, else the integration's declared owner. */
  private async ownersFor(
    entityRef: string | null,
    integration: ItsmSyncEventIntegration,
  ): Promise<string[]> {
    const owners = entityRef ? await this.owners.of(entityRef) : [];
    if (owners.length) return owners;
    return integration.notifications.owner
      ? [integration.notifications.owner]
      : [];
  }

  private async send(entityRef: string[], payload: NotificationPayload) {
    await this.notifications.send({
      recipients: { type: 'entity', entityRef },
      payload,
    });
  }

  async conflictAwaitingReview(
    event: ItsmConflictAwaitingReviewEvent,
  ): Promise<void> {
    if (!this.wants(event.integration, 'conflicts')) return;
    const owners = await this.ownersFor(
      event.incident.entityRef,
      event.integration,
    );
    if (!owners.length) {
      this.logger.debug('No owner to tell about a conflict', {
        conflict: event.conflictId,
      });
      return;
    }
    await this.send(owners, conflictNotice(event));
  }

  async deadLettered(event: ItsmDeadLetteredEvent): Promise<void> {
    if (!this.wants(event.integration, 'dlq')) return;
    // Grouped by owner: each owner gets one notification per episode, about its own changes.
    const byOwner = new Map<string, ItsmDeadLetteredEvent['entries']>();
    for (const entry of event.entries) {
      for (const owner of await this.ownersFor(
        entry.incident.entityRef,
        event.integration,
      )) {
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), entry]);
      }
    }
    for (const [owner, entries] of byOwner) {
      await this.send([owner], deadLetterNotice(event, entries));
    }
  }

  async integrationHealthChanged(
    event: ItsmIntegrationHealthEvent,
  ): Promise<void> {
    if (!this.wants(event.integration, 'health')) return;
    const owner = event.integration.notifications.owner;
    if (!owner) {
      this.logger.debug('No owner declared to tell about integration health', {
        integration: event.integration.id,
      });
      return;
    }
    await this.send([owner], healthNotice(event));
  }
}
