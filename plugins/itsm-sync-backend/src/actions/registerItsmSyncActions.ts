import type { AuditorService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  CONFLICT_RESOLUTIONS,
  INCIDENT_STATUSES,
  itsmSyncReadPermission,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { audited } from '../service/audited';
import {
  createCredentialsAuthorizer,
  principalName,
  type createResourceAuthorizer,
} from '../service/authorize';
import { conflictResponse } from '../service/responses';
import type { RouterContext } from '../service/RouterContext';
import { iso } from '../store/rows';

type ActionsContext = Pick<
  RouterContext,
  'incidents' | 'integrations' | 'engine' | 'permissions'
> & {
  auditor: AuditorService;
  resources: ReturnType<typeof createResourceAuthorizer>;
};

/**
 * The plugin's actions in Backstage's actions registry, which the MCP actions backend offers
 * to AI assistants: read an entity's incidents, an incident's timeline, pending conflicts and
 * an integration's sync status, and resolve a conflict. Each runs under the caller's
 * credentials and the same permissions as the REST API.
 */
export function registerItsmSyncActions(
  actionsRegistry: ActionsRegistryService,
  ctx: ActionsContext,
) {
  const authorize = createCredentialsAuthorizer(ctx);

  actionsRegistry.register({
    name: 'list-entity-incidents',
    title: 'List the incidents of a catalog entity',
    description:
      "Lists platform incidents on a catalog entity (newest first) with their tickets in ServiceNow, Jira Service Management, PagerDuty or a webhook ITSM and each ticket's sync state.",
    visibilityPermission: itsmSyncReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .describe('Entity ref, e.g. component:default/checkout'),
          status: z
            .enum(INCIDENT_STATUSES)
            .optional()
            .describe('Only incidents in this status'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(100)
            .default(20)
            .describe('At most this many incidents'),
        }),
      output: z =>
        z.object({
          incidents: z.array(
            z.object({
              id: z.string(),
              title: z.string(),
              severity: z.string(),
              status: z.string(),
              assignedTo: z.string().nullable(),
              updatedAt: z.string(),
              tickets: z.array(
                z.object({
                  integration: z.string(),
                  ticket: z.string().nullable(),
                  url: z.string().nullable(),
                  syncState: z.string(),
                }),
              ),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Open incidents of the checkout service',
        input: {
          entityRef: 'component:default/checkout',
          status: 'open',
          limit: 20,
        },
      },
    ],
    action: async ({ input, credentials }) => {
      await authorize(credentials, itsmSyncReadPermission);
      const items = await ctx.incidents.list({
        entity_ref: input.entityRef,
        status: input.status,
        limit: input.limit,
      });
      return {
        output: {
          incidents: items.map(i => ({
            id: i.id,
            title: i.title,
            severity: i.severity,
            status: i.status,
            assignedTo: i.assigned_to,
            updatedAt: i.updated_at,
            tickets: i.links.map(l => ({
              integration: l.integration_name,
              ticket: l.external_key ?? l.external_id,
              url: l.external_url,
              syncState: l.sync_state,
            })),
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-incident-timeline',
    title: 'Show the sync timeline of an incident',
    description:
      'The timeline of one platform incident, oldest first: what changed, which system it came from, notes, and what was synced to its tickets.',
    visibilityPermission: itsmSyncReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          incidentId: z.string().min(1).describe('The platform incident id'),
        }),
      output: z =>
        z.object({
          entries: z.array(
            z.object({
              at: z.string(),
              kind: z.string(),
              source: z.string(),
              author: z.string().nullable(),
              text: z.string(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize(credentials, itsmSyncReadPermission);
      await ctx.incidents.get(input.incidentId);
      const entries = await ctx.incidents.timeline(input.incidentId);
      return {
        output: {
          entries: entries.map(e => ({
            at: iso(e.created_at),
            kind: e.kind,
            source: e.source,
            author: e.author,
            text: e.text,
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-pending-conflicts',
    title: 'List conflicts waiting for review',
    description:
      'Conflicts under manual review: a field both the platform and an ITSM changed within the conflict window, with both values, waiting for someone to pick one.',
    visibilityPermission: itsmSyncReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          integration: z
            .string()
            .optional()
            .describe('Only this integration (id or name)'),
          incidentId: z.string().optional().describe('Only this incident'),
        }),
      output: z =>
        z.object({
          conflicts: z.array(
            z.object({
              id: z.string(),
              incidentId: z.string(),
              integrationId: z.string(),
              field: z.string(),
              platformValue: z.unknown(),
              externalValue: z.unknown(),
              createdAt: z.string(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize(credentials, itsmSyncReadPermission);
      const integrationId = input.integration
        ? (await ctx.integrations.resolve(input.integration)).id
        : undefined;
      const items = await ctx.engine.conflicts.list({
        status: 'pending',
        integrationId,
        incidentId: input.incidentId,
      });
      return {
        output: {
          conflicts: items.map(conflictResponse).map(c => ({
            id: c.id,
            incidentId: c.incident_id,
            integrationId: c.integration_id,
            field: c.field,
            platformValue: c.platform_value,
            externalValue: c.external_value,
            createdAt: c.created_at,
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'resolve-conflict',
    title: 'Resolve a sync conflict',
    description:
      "Settles a pending conflict: use-platform keeps the platform's value and sends it to the ITSM, use-external takes the ITSM's value, ignore leaves both as they are.",
    visibilityPermission: itsmSyncReadPermission,
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          conflictId: z.string().min(1),
          resolution: z.enum(CONFLICT_RESOLUTIONS).describe('Which side wins'),
        }),
      output: z =>
        z.object({
          id: z.string(),
          status: z.string(),
          resolution: z.string().nullable(),
          resolvedBy: z.string().nullable(),
        }),
    },
    action: async ({ input, credentials }) => {
      const access = await ctx.resources.resolveConflictAs(credentials);
      const conflict = await ctx.engine.conflicts.get(input.conflictId);
      access.require(await ctx.engine.conflicts.resource(conflict));
      const resolved = await audited(
        ctx.auditor,
        {
          eventId: 'conflict-resolve',
          severityLevel: 'medium',
          meta: {
            conflict: input.conflictId,
            resolution: input.resolution,
            actor: principalName(credentials),
            via: 'action',
          },
        },
        () =>
          ctx.engine.conflicts.resolve(
            input.conflictId,
            input.resolution,
            principalName(credentials),
          ),
      );
      const view = conflictResponse(resolved);
      return {
        output: {
          id: view.id,
          status: view.status,
          resolution: view.resolution,
          resolvedBy: view.resolved_by,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-sync-status',
    title: 'Show the sync health of an integration',
    description:
      'Health of one integration (healthy, degraded, failing, disabled) with its counters, dead-letter queue size, pending conflicts and last error.',
    visibilityPermission: itsmSyncReadPermission,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          integration: z.string().min(1).describe('Integration id or name'),
        }),
      output: z =>
        z.object({
          name: z.string(),
          health: z.string(),
          dlqSize: z.number(),
          pendingConflicts: z.number(),
          outboxPending: z.number(),
          lastError: z.string().nullable(),
          metrics: z.record(z.number()),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize(credentials, itsmSyncReadPermission);
      const status = await ctx.engine.status.status(
        await ctx.integrations.resolve(input.integration),
      );
      return {
        output: {
          name: status.name,
          health: status.health,
          dlqSize: status.dlq_size,
          pendingConflicts: status.pending_conflicts,
          outboxPending: status.outbox_pending,
          lastError: status.last_error,
          metrics: status.metrics,
        },
      };
    },
  });
}
