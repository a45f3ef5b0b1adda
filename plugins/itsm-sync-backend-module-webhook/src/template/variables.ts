import type {
  IncidentNote,
  PlatformIncident,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { TemplateValue } from './payloadTemplate';

/** Variables describing the case, available in every template. */
const INCIDENT_VARIABLES = [
  'case_name',
  'title',
  'description',
  'severity',
  'priority',
  'status',
  'itsm_status',
  'assigned_to',
  'escalation_policy',
  'incident_id',
  'entity_ref',
] as const;

/** Which variables each template may use. */
export const VARIABLES_BY_TEMPLATE = {
  create: new Set<string>([...INCIDENT_VARIABLES, 'dedup_key']),
  update: new Set<string>([...INCIDENT_VARIABLES, 'ticket_id']),
  // A note is posted knowing only its ticket, so the case's fields are not offered here.
  notes: new Set<string>(['ticket_id', 'note_text', 'note_author']),
  /** URLs of requests about one ticket. */
  ticketUrl: new Set<string>(['ticket_id', 'incident_id']),
  lookupUrl: new Set<string>(['dedup_key', 'incident_id']),
} as const;

/** How the case's values appear to the ITSM, from the integration's mappings. */
export interface ValueMappings {
  /** Case status -> the ITSM status to send (first ITSM status mapped to it). */
  outboundStatus(status: string): string;
  /** Case severity -> the ITSM priority (identity when not mapped). */
  priority(severity: string): string;
}

/** The incident's values under their template names. */
export function incidentValues(
  incident: PlatformIncident,
  mappings: ValueMappings,
): Record<string, TemplateValue> {
  return {
    case_name: incident.title,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    priority: mappings.priority(incident.severity),
    status: incident.status,
    itsm_status: mappings.outboundStatus(incident.status),
    assigned_to: incident.assigned_to,
    escalation_policy: incident.escalation_policy,
    incident_id: incident.id,
    entity_ref: incident.entity_ref,
  };
}

/** The note's values, for the notes template. */
export function noteValues(note: IncidentNote): Record<string, TemplateValue> {
  return { note_text: note.text, note_author: note.author ?? null };
}
