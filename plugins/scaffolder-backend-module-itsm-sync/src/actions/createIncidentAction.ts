import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SEVERITIES } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { UserItsmSyncClient } from '../UserItsmSyncClient';

/** `itsm-sync:incident:create`: opens a platform incident, and tickets in the integrations named. @public */
export function createIncidentAction(api: UserItsmSyncClient) {
  return createTemplateAction({
    id: 'itsm-sync:incident:create',
    description:
      'Opens a platform incident in itsm-sync, optionally on a catalog entity and with tickets in the integrations named (ServiceNow, Jira Service Management, PagerDuty or a webhook ITSM).',
    examples: [
      {
        description:
          'Open a SEV-3 incident on the component a template created, with a ServiceNow ticket',
        example: [
          'steps:',
          '  - id: incident',
          '    action: itsm-sync:incident:create',
          '    input:',
          '      title: Checkout latency above SLO',
          '      severity: SEV-3',
          '      entityRef: component:default/checkout',
          '      integrations: [prod-servicenow]',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        title: z => z.string().min(1).max(500).describe('Incident title'),
        severity: z => z.enum(SEVERITIES).describe('SEV-1 (worst) to SEV-4'),
        description: z =>
          z.string().max(20000).optional().describe('What is happening'),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              'Catalog entity the incident is about, e.g. component:default/checkout',
            ),
        integrations: z =>
          z
            .array(z.string())
            .max(20)
            .optional()
            .describe('Integrations (names or ids) to open tickets in'),
      },
      output: {
        incidentId: z => z.string().describe('The platform incident id'),
        status: z => z.string().describe('The incident status'),
      },
    },
    async handler(ctx) {
      const incident = await api.as(
        await ctx.getInitiatorCredentials(),
        'open the incident',
        client =>
          client.createIncident({
            title: ctx.input.title,
            severity: ctx.input.severity,
            description: ctx.input.description ?? '',
            entity_ref: ctx.input.entityRef ?? null,
            integrations: ctx.input.integrations ?? [],
          }),
      );
      ctx.logger.info(`Opened incident ${incident.id}: ${incident.title}`);
      ctx.output('incidentId', incident.id);
      ctx.output('status', incident.status);
    },
  });
}
