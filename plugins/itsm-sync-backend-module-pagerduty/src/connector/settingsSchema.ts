import { z } from 'zod';
import {
  hubSettingsShape,
  type ConnectorSettingsDeclaration,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

/** PagerDuty ids: upper-case alphanumerics (PABC123). */
const pdId = z
  .string()
  .regex(/^[A-Z0-9]{2,32}$/, 'must be a PagerDuty id such as PABC123');

/** The PagerDuty settings (docs/connectors/pagerduty.md#settings); `parseSettings` reads them. */
export const pagerDutySettings: ConnectorSettingsDeclaration = {
  schema: z.looseObject({
    from_email: z
      .email('must be the email address of a PagerDuty user')
      .optional()
      .meta({
        title: 'From email',
        description:
          'Email of a PagerDuty user, sent as the From header on every write',
      }),
    default_service_id: pdId.optional().meta({
      title: 'Default service id',
      description:
        'The service new incidents open on when no service mapping matches',
    }),
    service_mappings: z
      .array(
        z.object({
          pd_service: pdId.meta({ title: 'PagerDuty service id' }),
          incident_type: z.string().min(1).meta({ title: 'Incident type' }),
        }),
      )
      .optional()
      .meta({
        title: 'Service mappings',
        description:
          'Incident type to PagerDuty service; an incident type may be mapped once',
        default: [],
      }),
    sync_escalations: z.boolean().optional().meta({
      title: 'Sync escalations',
      description:
        "Escalations in PagerDuty also set the platform's escalation policy",
      default: false,
    }),
    ...hubSettingsShape,
  }),
  requiredForWrites: ['from_email', ['default_service_id', 'service_mappings']],
};
