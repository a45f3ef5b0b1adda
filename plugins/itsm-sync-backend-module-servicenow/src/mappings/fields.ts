import type { PlatformIncidentFields } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { ServiceNowSettings } from './settings';
import { severityFromServiceNow, severityToServiceNow } from './severity';
import { statusFromServiceNow, statusToServiceNow } from './status';

/** Platform field <-> ServiceNow column, as people read it (docs/connectors/servicenow.md#field-mapping). */
export const FIELD_MAPPING = [
  { platform: 'title', external: 'short_description' },
  { platform: 'description', external: 'description' },
  { platform: 'severity', external: 'impact + urgency (priority derived)' },
  { platform: 'status', external: 'state' },
  {
    platform: 'assigned_to',
    external: 'assigned_to (sys_user reference: sys_id or display value)',
  },
  { platform: 'work_notes', external: 'work_notes (journal)' },
];

/**
 * The incident columns to write for platform changes. Fields ServiceNow does not hold
 * (escalation_policy) are left out; a cleared assignee clears the reference.
 */
export function toServiceNowColumns(
  changes: Partial<PlatformIncidentFields>,
  settings: ServiceNowSettings,
  options: { creating?: boolean } = {},
): Record<string, string> {
  const columns: Record<string, string> = {};
  if (changes.title !== undefined) columns.short_description = changes.title;
  if (changes.description !== undefined)
    columns.description = changes.description ?? '';
  if (changes.severity !== undefined) {
    const { impact, urgency } = severityToServiceNow(
      changes.severity,
      settings,
    );
    Object.assign(columns, { impact, urgency });
  }
  if (changes.status !== undefined)
    Object.assign(
      columns,
      statusToServiceNow(changes.status, settings, options),
    );
  if (changes.assigned_to !== undefined)
    columns.assigned_to = changes.assigned_to ?? '';
  return columns;
}

/** Which platform field each ServiceNow column feeds. */
export const COLUMN_TO_FIELD: Record<string, keyof PlatformIncidentFields> = {
  short_description: 'title',
  description: 'description',
  impact: 'severity',
  urgency: 'severity',
  priority: 'severity',
  state: 'status',
  assigned_to: 'assigned_to',
};

/**
 * Platform fields from ServiceNow values (a record's or a webhook's). `assignee` is the
 * person's display value; a column that is absent leaves its field out.
 */
export function fromServiceNowColumns(
  values: Partial<
    Record<
      | 'short_description'
      | 'description'
      | 'impact'
      | 'urgency'
      | 'priority'
      | 'state',
      string
    >
  > & {
    assignee?: string;
  },
  settings: ServiceNowSettings,
): Partial<PlatformIncidentFields> {
  const fields: Partial<PlatformIncidentFields> = {};
  if (values.short_description !== undefined)
    fields.title = values.short_description;
  if (values.description !== undefined) fields.description = values.description;
  const severity = severityFromServiceNow(values, settings);
  if (severity) fields.severity = severity;
  const status = statusFromServiceNow(values.state, settings);
  if (status) fields.status = status;
  if (values.assignee !== undefined)
    fields.assigned_to = values.assignee || null;
  return fields;
}
