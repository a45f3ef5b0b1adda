import type { Router } from 'express';
import { integrationPreviewRequestSchema } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { createResourceAuthorizer } from './authorize';
import { parseInput } from './validation';
import type { RouterContext } from './RouterContext';

/** The test run of a draft configuration: reads the tickets, writes nothing (docs/sync-semantics.md#preview). */
export function addPreviewRoutes(router: Router, ctx: RouterContext) {
  const resources = createResourceAuthorizer(ctx);

  router.post('/v1/integrations/:ref/preview', async (req, res) => {
    // Shows ticket values read with the integration's credentials: for those who manage it.
    const { integration } = await resources.managedIntegration(req);
    const draft = parseInput(
      integrationPreviewRequestSchema,
      req.body ?? {},
      'preview request',
    );
    res.json(await ctx.engine.preview.preview(integration, draft));
  });
}
