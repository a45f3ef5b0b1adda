import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type {
  ItsmConflictAwaitingReviewEvent,
  ItsmDeadLetteredEvent,
  ItsmIntegrationHealthEvent,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

/** Every notification of the hub carries this topic, so users can filter and mute it. */
const NOTIFICATION_TOPIC = 'itsm-sync';

/** The portal pages that resolve each notice (the itsm-sync frontend plugin's routes). */
const PORTAL = {
  conflicts: '/itsm-sync/conflicts',
  dlq: '/itsm-sync/dlq',
  connectors: '/itsm-sync/connectors',
};

/** Vendor errors can be long; a notification shows the start. */
function excerpt(text: string | null, max = 200): string {
  if (!text) return '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** One notification per conflict: the scope is the conflict, so a repeat updates it. */
export function conflictNotice(
  event: ItsmConflictAwaitingReviewEvent,
): NotificationPayload {
  return {
    title: `Conflict on '${event.incident.title}' waits for your review`,
    description: `${event.integration.name} and the platform both changed ${event.field}; choose the value to keep.`,
    link: PORTAL.conflicts,
    severity: 'high',
    topic: NOTIFICATION_TOPIC,
    scope: `itsm-sync:conflict:${event.conflictId}`,
  };
}

/**
 * One notification per DLQ episode of an integration: later entries of the episode update
 * it (same scope) instead of adding notifications.
 */
export function deadLetterNotice(
  event: ItsmDeadLetteredEvent,
  entries: ItsmDeadLetteredEvent['entries'],
): NotificationPayload {
  const refused = entries.some(
    e => e.lastStatus === 401 || e.lastStatus === 403,
  );
  const last = entries[entries.length - 1];
  const incidents = [...new Set(entries.map(e => e.incident.title))];
  return {
    title: refused
      ? `${event.integration.name} refuses the hub's credentials: changes are in the DLQ`
      : `Changes to ${event.integration.name} are in the DLQ`,
    description: `${event.dlqSize} change(s) wait in the DLQ, latest for ${incidents
      .slice(0, 3)
      .map(t => `'${t}'`)
      .join(', ')}${incidents.length > 3 ? ' and others' : ''}${
      last?.lastError ? `: ${excerpt(last.lastError)}` : ''
    }. Retry or discard them.`,
    link: PORTAL.dlq,
    severity: refused ? 'critical' : 'high',
    topic: NOTIFICATION_TOPIC,
    scope: `itsm-sync:dlq:${event.episodeId}`,
  };
}

/**
 * An unhealthy episode: the recovery reuses the episode's scope, so it closes the same
 * notification (now `normal`) rather than adding a second one.
 */
export function healthNotice(
  event: ItsmIntegrationHealthEvent,
): NotificationPayload {
  const recovered = event.state === 'recovered';
  // Failing deliveries, or (health only degraded) webhooks the hub refuses.
  const refusing = event.health !== 'failing';
  return {
    title: recovered
      ? `${event.integration.name} has recovered`
      : `${event.integration.name} ${refusing ? 'refuses its webhooks' : 'is failing'}`,
    description: recovered
      ? `${event.integration.name} is no longer failing (health now: ${event.health}).`
      : `${
          refusing
            ? `Inbound sync from ${event.integration.name} has stopped`
            : `Deliveries to ${event.integration.name} keep failing`
        }${event.lastError ? `: ${excerpt(event.lastError)}` : ''}.`,
    link: PORTAL.connectors,
    severity: recovered ? 'normal' : 'critical',
    topic: NOTIFICATION_TOPIC,
    scope: `itsm-sync:health:${event.episodeId}`,
  };
}
