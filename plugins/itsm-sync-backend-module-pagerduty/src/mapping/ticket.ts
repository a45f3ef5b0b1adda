import type {
  ExternalTicket,
  PlatformIncidentFields,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { ROUTING_ANNOTATIONS } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { PdIncidentObject, PdReference } from '../connector/types';
import { severityFromPagerDuty } from './severity';
import { statusFromPagerDuty } from './status';

/** The first assignee of an incident, in either the REST or the webhook shape. */
export function firstAssignee(
  incident: PdIncidentObject,
): PdReference | undefined {
  return incident.assignments?.[0]?.assignee ?? incident.assignees?.[0];
}

/**
 * A PagerDuty incident in platform fields. `assigneeEmail` is the first assignee's email
 * (looked up by the caller). A resolved incident has no assignments in PagerDuty, which
 * says nothing about who owned it, so `assigned_to` is left out then.
 */
export function ticketFromIncident(
  incident: PdIncidentObject,
  assigneeEmail: string | undefined,
): ExternalTicket {
  const fields: Partial<PlatformIncidentFields> = {};
  if (typeof incident.title === 'string') fields.title = incident.title;
  if (incident.body && typeof incident.body.details === 'string')
    fields.description = incident.body.details;
  const severity = severityFromPagerDuty(incident);
  if (severity) fields.severity = severity;
  const status = statusFromPagerDuty(incident.status);
  if (status) fields.status = status;
  if (assigneeEmail) fields.assigned_to = assigneeEmail;
  else if (incident.status !== 'resolved') fields.assigned_to = null;
  if (incident.escalation_policy !== undefined)
    fields.escalation_policy = incident.escalation_policy?.id ?? null;
  const number = incident.incident_number ?? incident.number;
  return {
    externalId: incident.id,
    externalKey: number !== undefined ? String(number) : undefined,
    url: incident.html_url,
    fields,
    updatedAt:
      incident.updated_at ??
      incident.last_status_change_at ??
      incident.created_at ??
      new Date().toISOString(),
    dedupKey: incident.incident_key ?? undefined,
    // The catalog entity annotated with this service is the incident's (docs/DESIGN.md, "Routing").
    ...(incident.service?.id
      ? {
          catalogKeys: [
            {
              annotation: ROUTING_ANNOTATIONS.pagerdutyServiceId,
              value: incident.service.id,
            },
          ],
        }
      : {}),
  };
}
