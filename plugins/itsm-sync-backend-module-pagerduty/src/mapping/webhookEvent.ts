import { WebhookParseError, type NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
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

/** Parses the envelope `{event: {...}}`; throws WebhookParseError naming what is wrong. */
export function parseEnvelope(rawBody: Buffer): PdWebhookEvent {
  let payload: any;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('PagerDuty webhook body is not JSON');
  }
  const event = payload?.event;
  if (!event || typeof event !== 'object') throw new WebhookParseError('PagerDuty webhook has no "event" object');
  for (const key of ['id', 'event_type', 'resource_type', 'occurred_at'] as const) {
    if (typeof event[key] !== 'string' || !event[key]) {
      throw new WebhookParseError(`PagerDuty webhook event.${key} must be a non-empty string`);
    }
  }
  if (!event.data || typeof event.data !== 'object') throw new WebhookParseError('PagerDuty webhook event.data must be an object');
  return event as PdWebhookEvent;
}

/** The incident id an event is about (annotations carry it under `data.incident`). */
export function incidentIdOf(event: PdWebhookEvent): string | undefined {
  const id = event.event_type === 'incident.annotated' ? event.data.incident?.id : event.data.id;
  return typeof id === 'string' ? id : undefined;
}

/** The assignee whose email the change needs, if any. */
export function assigneeNeeded(event: PdWebhookEvent): PdReference | undefined {
  return ['incident.triggered', 'incident.reassigned'].includes(event.event_type)
    ? firstAssignee(event.data as PdIncidentObject)
    : undefined;
}

/**
 * Spec 002's event table as normalised changes. Events the sync does not act on
 * (`pagey.ping`, service events, responder requests...) give none.
 */
export function changeFromEvent(
  event: PdWebhookEvent,
  options: { syncEscalations: boolean; assigneeEmail?: string },
): NormalizedChange | undefined {
  if (event.resource_type !== 'incident') return undefined;
  const externalId = incidentIdOf(event);
  if (!externalId) throw new WebhookParseError(`PagerDuty ${event.event_type} event has no incident id`);
  const data = event.data as PdIncidentObject;
  const base = {
    eventId: event.id,
    externalId,
    occurredAt: event.occurred_at,
    actor: event.agent?.summary,
    externalKey: data.number !== undefined ? String(data.number) : undefined,
  };
  switch (event.event_type) {
    case 'incident.triggered': {
      const ticket = ticketFromIncident(data, options.assigneeEmail);
      return { ...base, kind: 'created', fields: ticket.fields, ticket };
    }
    case 'incident.acknowledged':
      return { ...base, kind: 'updated', fields: { status: 'mitigated' } };
    case 'incident.unacknowledged':
    case 'incident.reopened':
      return { ...base, kind: 'updated', fields: { status: 'open' } };
    case 'incident.resolved':
      return { ...base, kind: 'updated', fields: { status: 'resolved' } };
    case 'incident.reassigned':
      return { ...base, kind: 'updated', fields: { assigned_to: options.assigneeEmail ?? null } };
    case 'incident.priority_changed': {
      const severity = severityFromPagerDuty(data);
      return severity ? { ...base, kind: 'updated', fields: { severity } } : undefined;
    }
    case 'incident.escalated': {
      const policy = data.escalation_policy;
      const assignees = (data.assignees ?? []).map(a => a.summary ?? a.id).join(', ');
      const timeline = [
        `Escalated in PagerDuty${event.agent?.summary ? ` by ${event.agent.summary}` : ''}`,
        assignees ? `now assigned to ${assignees}` : undefined,
        policy ? `escalation policy ${policy.summary ?? policy.id}` : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      const fields = options.syncEscalations && policy?.id ? { escalation_policy: policy.id } : {};
      return { ...base, kind: Object.keys(fields).length ? 'updated' : 'event', fields, timeline };
    }
    case 'incident.annotated': {
      const content = event.data.content;
      if (typeof content !== 'string') throw new WebhookParseError('PagerDuty incident.annotated event has no data.content');
      return { ...base, kind: 'note', fields: {}, note: { text: content, author: event.agent?.summary } };
    }
    default:
      return undefined;
  }
}
