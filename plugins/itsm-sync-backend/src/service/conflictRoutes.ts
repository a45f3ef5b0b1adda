import type { Router } from 'express';
import {
  itsmSyncReadPermission,
  listConflictsQuerySchema,
  resolveConflictRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { audited } from './audited';
import {
  createAuthorizer,
  createResourceAuthorizer,
  principalName,
} from './authorize';
import { conflictResponse } from './responses';
import { parseInput } from './validation';
import type { RouterContext } from './RouterContext';

/** Conflicts: list, show both sides, resolve. */
export function addConflictRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  const resources = createResourceAuthorizer(ctx);

  router.get('/v1/conflicts', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const query = parseInput(listConflictsQuerySchema, req.query, 'query');
    const integrationId = query.integration
      ? (await ctx.integrations.resolve(query.integration)).id
      : undefined;
    const items = await ctx.engine.conflicts.list({
      status: query.status,
      integrationId,
      incidentId: query.incident,
    });
    res.json({ items: items.map(conflictResponse) });
  });

  router.get('/v1/conflicts/:id', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const conflict = await ctx.engine.conflicts.get(req.params.id);
    const { incident, integration } =
      await ctx.engine.conflicts.parties(conflict);
    res.json({
      ...conflictResponse(conflict),
      incident: incident
        ? {
            id: incident.id,
            title: incident.title,
            severity: incident.severity,
            status: incident.status,
          }
        : null,
      integration: integration
        ? {
            id: integration.id,
            name: integration.name,
            integration_type: integration.integration_type,
          }
        : null,
    });
  });

  router.post('/v1/conflicts/:id/resolve', async (req, res) => {
    const access = await resources.resolveConflict(req);
    const body = parseInput(
      resolveConflictRequestSchema,
      req.body,
      'resolution',
    );
    const conflict = await ctx.engine.conflicts.get(req.params.id);
    access.require(await ctx.engine.conflicts.resource(conflict));
    const resolved = await audited(
      ctx.auditor,
      {
        eventId: 'conflict-resolve',
        severityLevel: 'medium',
        request: req,
        meta: { conflict: req.params.id, resolution: body.resolution },
      },
      () =>
        ctx.engine.conflicts.resolve(
          req.params.id,
          body.resolution,
          principalName(access.credentials),
        ),
    );
    res.json(conflictResponse(resolved));
  });
}
