import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { UserItsmSyncClient } from '../UserItsmSyncClient';

/** `itsm-sync:incident:link`: links an incident to one more integration, which opens its ticket. @public */
export function linkIncidentAction(api: UserItsmSyncClient) {
  return createTemplateAction({
    id: 'itsm-sync:incident:link',
    description:
      'Links a platform incident to an integration; the hub opens the ticket there and keeps it in sync.',
    examples: [
      {
        description: 'Also track an incident in Jira Service Management',
        example: [
          'steps:',
          '  - id: link',
          '    action: itsm-sync:incident:link',
          '    input:',
          '      incidentId: ${{ steps.incident.output.incidentId }}',
          '      integration: ops-jira',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        incidentId: z => z.string().min(1).describe('The platform incident id'),
        integration: z => z.string().min(1).describe('Integration name or id'),
      },
      output: {
        integrationId: z => z.string(),
        syncState: z =>
          z.string().describe('The new link: pending until the ticket exists'),
      },
    },
    async handler(ctx) {
      const incident = await api.as(
        await ctx.getInitiatorCredentials(),
        `link the incident to '${ctx.input.integration}'`,
        client =>
          client.linkIncident(ctx.input.incidentId, ctx.input.integration),
      );
      const wanted = ctx.input.integration.toLowerCase();
      const link = incident.links.find(
        l =>
          l.integration_id === ctx.input.integration ||
          l.integration_name.toLowerCase() === wanted,
      );
      if (!link)
        throw new Error(
          `itsm-sync linked incident ${incident.id} but shows no link to '${ctx.input.integration}'`,
        );
      ctx.output('integrationId', link.integration_id);
      ctx.output('syncState', link.sync_state);
    },
  });
}
