import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * Who an integration's notices go to and which it wants (`settings.notifications`,
 * docs/sync-semantics.md#notifications). Unset keys fall back to the listener's defaults.
 * @public
 */
export interface ItsmIntegrationNoticeSettings {
  /** Entity ref of the integration's owner (`group:default/payments`), told about its health. */
  owner?: string;
  conflicts?: boolean;
  dlq?: boolean;
  health?: boolean;
}

/** The integration an event is about. @public */
export interface ItsmSyncEventIntegration {
  id: string;
  name: string;
  type: string;
  notifications: ItsmIntegrationNoticeSettings;
}

/** The incident an event is about, with the catalog entity it belongs to. @public */
export interface ItsmSyncEventIncident {
  id: string;
  title: string;
  /** The incident's catalog entity (`component:default/checkout`), if it has one. */
  entityRef: string | null;
}

/** A conflict queued for a person to settle (the `manual-review` strategy). @public */
export interface ItsmConflictAwaitingReviewEvent {
  conflictId: string;
  field: string;
  integration: ItsmSyncEventIntegration;
  incident: ItsmSyncEventIncident;
}

/**
 * Changes that went to the DLQ since the last event, for one integration. An episode
 * starts with the first entry while the integration's DLQ is empty and lasts until it is
 * empty again; every event of an episode carries its `episodeId`.
 * @public
 */
export interface ItsmDeadLetteredEvent {
  integration: ItsmSyncEventIntegration;
  episodeId: string;
  /** Entries in the integration's DLQ now (this event's and earlier ones). */
  dlqSize: number;
  entries: Array<{
    id: string;
    operation: string;
    lastError: string;
    lastStatus: number | null;
    incident: ItsmSyncEventIncident;
  }>;
}

/**
 * An integration turned unhealthy (its deliveries keep failing) or recovered. Both events
 * of one episode carry the same `episodeId`.
 * @public
 */
export interface ItsmIntegrationHealthEvent {
  integration: ItsmSyncEventIntegration;
  episodeId: string;
  state: 'unhealthy' | 'recovered';
  /** The health the sync status reports (`failing`, `degraded`, `healthy`, `disabled`). */
  health: string;
  lastError: string | null;
}

/**
 * Told about sync events after they are committed, once across replicas; a listener
 * that throws gets the same events again on the next round.
 * @public
 */
export interface ItsmSyncEventListener {
  conflictAwaitingReview?(
    event: ItsmConflictAwaitingReviewEvent,
  ): Promise<void>;
  deadLettered?(event: ItsmDeadLetteredEvent): Promise<void>;
  integrationHealthChanged?(event: ItsmIntegrationHealthEvent): Promise<void>;
}

/** What modules that react to sync events register into. @public */
export interface ItsmSyncEventsExtensionPoint {
  addListener(listener: ItsmSyncEventListener): void;
}

/**
 * The extension point through which `itsm-sync` backend modules listen to sync events
 * (conflicts awaiting review, dead letters, integration health).
 * @public
 */
export const itsmSyncEventsExtensionPoint =
  createExtensionPoint<ItsmSyncEventsExtensionPoint>({
    id: 'itsm-sync.events',
  });
