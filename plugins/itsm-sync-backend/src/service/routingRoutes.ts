import type { Router } from 'express';
import {
  integrationRoutingRequestSchema,
  itsmSyncReadPermission,
  routingPreviewRequestSchema,
  type IntegrationRoutingResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { audited } from './audited';
import { createAuthorizer, createResourceAuthorizer } from './authorize';
import { parseInput } from './validation';
import type { RouterContext } from './RouterContext';
import type { IntegrationRoutingRecord } from '../store/RoutingRepository';
import { iso } from '../store/rows';

function routingResponse(
  integrationId: string,
  record: IntegrationRoutingRecord | undefined,
): IntegrationRoutingResponse {
  return {
    integration_id: integrationId,
    rules: record?.rules ?? [],
    default: record?.default ?? 'skip',
    updated_at: record ? iso(record.updated_at) : null,
  };
}

/** Routing rules per integration and the routing preview (docs/DESIGN.md, "Routing"). */
export function addRoutingRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  const resources = createResourceAuthorizer(ctx);

  router.get('/v1/integrations/:ref/routing', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    res.json(
      routingResponse(integration.id, await ctx.routing.get(integration.id)),
    );
  });

  router.put('/v1/integrations/:ref/routing', async (req, res) => {
    const { integration } = await resources.managedIntegration(req);
    const body = parseInput(
      integrationRoutingRequestSchema,
      req.body,
      'routing',
    );
    const saved = await audited(
      ctx.auditor,
      {
        eventId: 'integration-routing-update',
        severityLevel: 'medium',
        request: req,
        meta: {
          integration: integration.id,
          rules: body.rules.length,
          default: body.default,
        },
      },
      () => ctx.routing.put(integration.id, body),
    );
    res.json(routingResponse(integration.id, saved));
  });

  router.post('/v1/routing/preview', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const body = parseInput(
      routingPreviewRequestSchema,
      req.body,
      'routing preview',
    );
    const incident =
      'incident_id' in body
        ? await ctx.incidents.get(body.incident_id)
        : body.incident;
    res.json(await ctx.routing.preview(incident));
  });
}
