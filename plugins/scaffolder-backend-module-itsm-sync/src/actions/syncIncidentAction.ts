import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ManualSyncResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { UserItsmSyncClient } from '../UserItsmSyncClient';

/** `itsm-sync:integration:sync`: the portal's "Sync with ITSM" for one incident and integration. @public */
export function syncIncidentAction(api: UserItsmSyncClient) {
  return createTemplateAction({
    id: 'itsm-sync:integration:sync',
    description:
      'Pushes an incident to an integration now and answers the ticket, as "Sync with ITSM" in the portal does; the same 10-minute cooldown applies.',
    examples: [
      {
        description:
          'Sync the incident just opened with ServiceNow and show its ticket',
        example: [
          'steps:',
          '  - id: sync',
          '    action: itsm-sync:integration:sync',
          '    input:',
          '      incidentId: ${{ steps.incident.output.incidentId }}',
          '      integration: prod-servicenow',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        incidentId: z => z.string().min(1).describe('The platform incident id'),
        integration: z => z.string().min(1).describe('Integration name or id'),
      },
      output: {
        ticket: z =>
          z
            .string()
            .optional()
            .describe('The ticket key or id at the vendor, once it exists'),
        ticketUrl: z =>
          z
            .string()
            .optional()
            .describe('A link to the ticket, when the vendor has one'),
      },
    },
    async handler(ctx) {
      // 200 with the ticket, or 202 while the delivery is still queued.
      const result: Partial<ManualSyncResponse> = await api.as(
        await ctx.getInitiatorCredentials(),
        'sync the incident',
        client =>
          client.syncIncident(ctx.input.integration, ctx.input.incidentId),
      );
      const ticket = result.external_key ?? result.external_id;
      if (ticket) ctx.output('ticket', ticket);
      if (result.external_url) ctx.output('ticketUrl', result.external_url);
      ctx.logger.info(
        ticket
          ? `In sync with ticket ${ticket}`
          : 'Accepted; the ticket is being opened',
      );
    },
  });
}
