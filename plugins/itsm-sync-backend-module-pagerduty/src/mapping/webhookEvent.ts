import {
  WebhookParseError,
  type IgnoredWebhookEvent,
  type NormalizedChange,
  type PlatformIncidentFields,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { DESCRIPTION_NOTE_PREFIX } from '../connector/incidentBody';
import type { PdIncidentObject, PdReference } from '../connector/types';
import { severityFromPagerDuty } from './severity';
import { firstAssignee, ticketFromIncident } from './ticket';

/** A Webhooks v3 delivery's `event`, checked for the fields every event has. */
export interface PdWebhookEvent {
  id: string;
  event_type: string;
  resource_type: string;
  occurred_at: string;
  agent?: PdReference | null;
  data: any;
}

/**
 * Event types of PagerDuty's v3 catalogue the hub acknowledges without acting on, and
 * why (README "Webhook events"). Every other type of the catalogue changes the platform.
 */
export const IGNORED_PAGERDUTY_EVENTS: Record<string, string> = {
  'incident.incident_type.changed': 'the platform keeps no incident type',
  'incident.custom_field_values.updated':
    'PagerDuty custom fields are not synced',
  'incident.workflow.started':
    'incident workflow runs are PagerDuty automation with nothing to sync',
  'incident.workflow.completed':
    'incident workflow runs are PagerDuty automation with nothing to sync',
  'service.created': 'service events name no incident',
  'service.updated': 'service events name no incident',
  'service.deleted': 'service events name no incident',
  'pagey.ping': 'a test delivery of the webhook subscription',
};

/** Event types of PagerDuty's v3 catalogue that change the platform incident. */
export const ACTED_ON_PAGERDUTY_EVENTS = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.reopened',
  'incident.resolved',
  'incident.reassigned',
  'incident.delegated',
  'incident.escalated',
  'incident.priority_updated',
  'incident.annotated',
  'incident.status_update_published',
  'incident.conference_bridge.updated',
  'incident.responder.added',
  'incident.responder.replied',
  'incident.service_updated',
] as const;

/** Parses the envelope `{event: {...}}`; throws WebhookParseError only for a body that cannot be read. */
export function parseEnvelope(rawBody: Buffer): PdWebhookEvent {
  let payload: any;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('PagerDuty webhook body is not JSON');
  }
  const event = payload?.event;
  if (!event || typeof event !== 'object')
    throw new WebhookParseError('PagerDuty webhook has no "event" object');
  for (const key of [
    'id',
    'event_type',
    'resource_type',
    'occurred_at',
  ] as const) {
    if (typeof event[key] !== 'string' || !event[key]) {
      throw new WebhookParseError(
        `PagerDuty webhook event.${key} must be a non-empty string`,
      );
    }
  }
  if (!event.data || typeof event.data !== 'object')
    throw new WebhookParseError(
      'PagerDuty webhook event.data must be an object',
    );
  return event as PdWebhookEvent;
}

/**
 * The incident an event is about: `data` itself when it is an `incident`, else its
 * `incident` reference (notes, status updates, responders, bridges, workflows...).
 */
function incidentIdOf(event: PdWebhookEvent): string | undefined {
  const id =
    event.data.type === 'incident' ? event.data.id : event.data.incident?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/** The assignee whose email the change needs, if any. */
export function assigneeNeeded(event: PdWebhookEvent): PdReference | undefined {
  return [
    'incident.triggered',
    'incident.reassigned',
    'incident.escalated',
    'incident.delegated',
  ].includes(event.event_type) && event.data.type === 'incident'
    ? firstAssignee(event.data as PdIncidentObject)
    : undefined;
}

/** What one delivery means to the hub: a change, or an event acknowledged without action. */
export type PdEventReading =
  { change: NormalizedChange } | { ignored: IgnoredWebhookEvent };

const ref = (r: PdReference | null | undefined) =>
  r?.summary ?? r?.name ?? r?.id;

function ignore(
  event: PdWebhookEvent,
  reason: string,
  externalId?: string,
): PdEventReading {
  return {
    ignored: {
      eventType: event.event_type,
      reason,
      eventId: event.id,
      externalId,
    },
  };
}

/** "by Alice" when PagerDuty names who did it. */
const by = (event: PdWebhookEvent) =>
  ref(event.agent) ? ` by ${ref(event.agent)}` : '';

/**
 * PagerDuty's v3 event catalogue as normalised changes (README "Webhook events"). An
 * event the hub does not act on, or one without the incident it should name, is
 * acknowledged with its reason. `assigneeEmail` is the email of the event's first
 * assignee (looked up by the caller); undefined means it has none.
 */
export function readPagerDutyEvent(
  event: PdWebhookEvent,
  options: {
    syncEscalations: boolean;
    assigneeEmail?: string;
    /** The first assignee's name when the event has one whose email cannot be read. */
    unmatchedAssignee?: string;
  },
): PdEventReading {
  // Own keys only: an event type such as `constructor` must not find Object's.
  const ignoredReason = Object.hasOwn(
    IGNORED_PAGERDUTY_EVENTS,
    event.event_type,
  )
    ? IGNORED_PAGERDUTY_EVENTS[event.event_type]
    : undefined;
  if (ignoredReason) return ignore(event, ignoredReason, incidentIdOf(event));
  if (
    !(ACTED_ON_PAGERDUTY_EVENTS as readonly string[]).includes(event.event_type)
  ) {
    return ignore(
      event,
      'not an event type of the PagerDuty v3 catalogue the hub knows',
      incidentIdOf(event),
    );
  }
  const externalId = incidentIdOf(event);
  if (!externalId) return ignore(event, 'the event names no incident id');
  const data = event.data as PdIncidentObject & Record<string, any>;
  const base = {
    eventId: event.id,
    externalId,
    occurredAt: event.occurred_at,
    actor: ref(event.agent),
    externalKey:
      data.type === 'incident' && data.number !== undefined
        ? String(data.number)
        : undefined,
  };
  const updated = (
    fields: Partial<PlatformIncidentFields>,
    timeline?: string,
  ): PdEventReading => ({
    change: {
      ...base,
      kind: Object.keys(fields).length ? 'updated' : 'event',
      fields,
      ...(timeline ? { timeline } : {}),
    },
  });
  // An assignee whose email is unknown leaves assigned_to as it is: nothing is blanked for lack of a match.
  const assigneeFields = (): Partial<PlatformIncidentFields> =>
    options.unmatchedAssignee
      ? {}
      : { assigned_to: options.assigneeEmail ?? null };
  const unmatchedLine = options.unmatchedAssignee
    ? `assignee ${options.unmatchedAssignee} not matched: PagerDuty shows no email for them; assigned_to left unchanged`
    : undefined;
  const assignees = () =>
    (data.assignees ?? [])
      .map(a => ref(a))
      .filter(Boolean)
      .join(', ');
  switch (event.event_type) {
    case 'incident.triggered': {
      const ticket = ticketFromIncident(data, options.assigneeEmail);
      return {
        change: { ...base, kind: 'created', fields: ticket.fields, ticket },
      };
    }
    case 'incident.acknowledged':
      return updated({ status: 'mitigated' });
    case 'incident.unacknowledged':
    case 'incident.reopened':
      return updated({ status: 'open' });
    case 'incident.resolved':
      return updated({ status: 'resolved' });
    case 'incident.reassigned':
      return updated(
        assigneeFields(),
        unmatchedLine &&
          `Reassigned in PagerDuty${by(event)}; ${unmatchedLine}`,
      );
    case 'incident.priority_updated': {
      const severity = severityFromPagerDuty(data);
      return severity
        ? updated({ severity })
        : ignore(
            event,
            'the incident has neither a priority nor an urgency',
            externalId,
          );
    }
    case 'incident.escalated': {
      // Escalation pages the next level: the new assignees replace the old ones.
      const policy = data.escalation_policy;
      const timeline = [
        `Escalated in PagerDuty${by(event)}`,
        assignees() ? `now assigned to ${assignees()}` : undefined,
        policy ? `escalation policy ${ref(policy)}` : undefined,
        unmatchedLine,
      ]
        .filter(Boolean)
        .join('; ');
      const fields: Partial<PlatformIncidentFields> = assigneeFields();
      if (options.syncEscalations && policy?.id)
        fields.escalation_policy = policy.id;
      return updated(fields, timeline);
    }
    case 'incident.delegated': {
      // A delegation names the new policy outright, so it is taken whatever sync_escalations says.
      const policy = data.escalation_policy;
      const timeline = [
        `Delegated in PagerDuty${by(event)}${policy ? ` to escalation policy ${ref(policy)}` : ''}`,
        assignees() ? `now assigned to ${assignees()}` : undefined,
        unmatchedLine,
      ]
        .filter(Boolean)
        .join('; ');
      const fields: Partial<PlatformIncidentFields> = assigneeFields();
      if (policy?.id) fields.escalation_policy = policy.id;
      return updated(fields, timeline);
    }
    case 'incident.annotated': {
      const content = data.content;
      if (typeof content !== 'string' || !content.trim())
        return ignore(event, 'the note has no content', externalId);
      // The connector mirrors description changes as notes (PagerDuty has no description field).
      if (content.startsWith(DESCRIPTION_NOTE_PREFIX))
        return ignore(
          event,
          'the description note the hub wrote itself',
          externalId,
        );
      return {
        change: {
          ...base,
          kind: 'note',
          fields: {},
          // PagerDuty notes are seen by responders only: internal.
          note: {
            text: content,
            author: ref(event.agent),
            visibility: 'internal',
            ...(typeof data.id === 'string' ? { externalNoteId: data.id } : {}),
          },
        },
      };
    }
    case 'incident.status_update_published': {
      const message =
        typeof data.message === 'string' ? data.message.trim() : '';
      if (!message)
        return ignore(event, 'the status update has no message', externalId);
      return updated({}, `Status update in PagerDuty${by(event)}: ${message}`);
    }
    case 'incident.conference_bridge.updated': {
      const numbers = Array.isArray(data.conference_numbers)
        ? data.conference_numbers
            .map((n: any) => [n?.label, n?.number].filter(Boolean).join(' '))
            .filter(Boolean)
        : [];
      const parts = [
        ...numbers,
        typeof data.conference_url === 'string'
          ? data.conference_url
          : undefined,
      ].filter(Boolean);
      return updated(
        {},
        parts.length
          ? `Conference bridge in PagerDuty: ${parts.join(', ')}`
          : 'Conference bridge removed in PagerDuty',
      );
    }
    case 'incident.responder.added': {
      const message =
        typeof data.message === 'string' && data.message.trim()
          ? `: ${data.message.trim()}`
          : '';
      const via = data.escalation_policy
        ? ` via ${ref(data.escalation_policy)}`
        : '';
      return updated(
        {},
        `Responder requested in PagerDuty${by(event)}: ${ref(data.user) ?? 'someone'}${via}${message}`,
      );
    }
    case 'incident.responder.replied':
      return updated(
        {},
        `${ref(data.user) ?? 'A responder'} answered the responder request in PagerDuty: ${data.state ?? 'replied'}`,
      );
    case 'incident.service_updated':
      return updated(
        {},
        `Moved to PagerDuty service ${ref(data.service) ?? 'unknown'}${by(event)}`,
      );
    default:
      return ignore(
        event,
        'not an event type of the PagerDuty v3 catalogue the hub knows',
        externalId,
      );
  }
}
