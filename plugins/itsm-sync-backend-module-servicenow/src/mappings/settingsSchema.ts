import { z } from 'zod';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  hubSettingsShape,
  webhookSignatureSchemeSetting,
  type ConnectorSettingsDeclaration,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { DEFAULT_SETTINGS } from './settings';

/** A ServiceNow choice value: 1 to 4 digits, as text or a number. */
const choice = z.union([
  z
    .string()
    .regex(/^[0-9]{1,4}$/, 'must be a ServiceNow choice value such as "1"'),
  z.number().int().min(0).max(9999),
]);

/** The ServiceNow settings (docs/connectors/servicenow.md#settings); `resolveSettings` reads them. */
export const serviceNowSettings: ConnectorSettingsDeclaration = {
  schema: z.looseObject({
    severity_map: z
      .partialRecord(
        z.enum(SEVERITIES),
        z.object({ impact: choice, urgency: choice }),
      )
      .optional()
      .meta({
        title: 'Severity map',
        description:
          'Impact and urgency written per severity, e.g. {"SEV-2": {"impact": "2", "urgency": "1"}}',
        default: DEFAULT_SETTINGS.severity_map,
      }),
    priority_map: z.record(z.string(), z.enum(SEVERITIES)).optional().meta({
      title: 'Priority map',
      description:
        'Priority to severity, for impact/urgency pairs the severity map does not name',
      default: DEFAULT_SETTINGS.priority_map,
    }),
    state_map: z
      .partialRecord(z.enum(['new', ...INCIDENT_STATUSES]), choice)
      .optional()
      .meta({
        title: 'State map',
        description:
          'State written per status; new is the state a new ticket opens in',
        default: DEFAULT_SETTINGS.state_map,
      }),
    state_read_map: z
      .record(z.string(), z.enum(INCIDENT_STATUSES))
      .optional()
      .meta({
        title: 'State read map',
        description:
          'Further states read as a status, e.g. {"10": "mitigated"}',
      }),
    hold_reason: choice.optional().meta({
      title: 'Hold reason',
      description:
        'Written with On Hold (3): 1 Awaiting Caller ... 5 Awaiting Change',
      default: DEFAULT_SETTINGS.hold_reason,
    }),
    close_code: z.string().trim().min(1).optional().meta({
      title: 'Close code',
      description: 'Written with Resolved and Closed',
      default: DEFAULT_SETTINGS.close_code,
    }),
    close_notes: z.string().trim().min(1).optional().meta({
      title: 'Close notes',
      description: 'Written with Resolved and Closed',
      default: DEFAULT_SETTINGS.close_notes,
    }),
    page_size: z.number().int().min(1).max(10000).optional().meta({
      title: 'Page size',
      description: 'Table API page size of the reconcile listing',
      default: DEFAULT_SETTINGS.page_size,
    }),
    require_timestamp: z.boolean().optional().meta({
      title: 'Require timestamp',
      description: 'Refuse webhooks without an X-ServiceNow-Timestamp header',
      default: false,
    }),
    webhook_signature_scheme: webhookSignatureSchemeSetting,
    ...hubSettingsShape,
  }),
};
