import type { Router } from 'express';
import {
  itsmSyncReadPermission,
  putUserMappingRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { UserMappingService } from '../sync/UserMappingService';
import { audited } from './audited';
import { createAuthorizer, createResourceAuthorizer } from './authorize';
import type { RouterContext } from './RouterContext';
import { parseInput } from './validation';

/**
 * `/v1/user-mappings` (docs/sync-semantics.md#people): anyone who may read lists them; a
 * change needs `itsm-sync.integration.manage` on the mapping's integration.
 */
export function addUserMappingRoutes(
  router: Router,
  ctx: RouterContext,
  userMappings: UserMappingService,
) {
  const authorize = createAuthorizer(ctx);
  const resources = createResourceAuthorizer(ctx);

  router.get('/v1/user-mappings', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration =
      typeof req.query.integration === 'string'
        ? req.query.integration
        : undefined;
    res.json({ items: await userMappings.list(integration) });
  });

  router.put('/v1/user-mappings', async (req, res) => {
    const granted = await resources.manageIntegration(req);
    const body = parseInput(
      putUserMappingRequestSchema,
      req.body,
      'user mapping',
    );
    const integration = await ctx.integrations.resolve(body.integration);
    granted.require(integration);
    const mapping = await audited(
      ctx.auditor,
      {
        eventId: 'user-mapping-set',
        request: req,
        meta: {
          integration: integration.id,
          platform_user: body.platform_user,
        },
      },
      () =>
        userMappings.put(integration, body.platform_user, body.external_user),
    );
    res.json(mapping);
  });

  router.delete('/v1/user-mappings/:id', async (req, res) => {
    const granted = await resources.manageIntegration(req);
    const mapping = await userMappings.get(req.params.id);
    const integration = await ctx.integrations.resolve(mapping.integration_id);
    granted.require(integration);
    await audited(
      ctx.auditor,
      {
        eventId: 'user-mapping-delete',
        request: req,
        meta: { id: mapping.id, integration: integration.id },
      },
      () => userMappings.delete(mapping.id),
    );
    res.status(204).end();
  });
}
