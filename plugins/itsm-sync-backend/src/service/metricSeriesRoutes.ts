import type { Router } from 'express';
import {
  itsmSyncReadPermission,
  metricSeriesQuerySchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { createAuthorizer } from './authorize';
import type { RouterContext } from './RouterContext';
import { parseInput } from './validation';

/** The per-minute history of an integration's sync, for the charts (docs/sync-semantics.md#metric-series). */
export function addMetricSeriesRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);

  router.get('/v1/integrations/:ref/metrics/series', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const { window } = parseInput(metricSeriesQuerySchema, req.query, 'query');
    const integration = await ctx.integrations.resolve(req.params.ref);
    res.json(await ctx.engine.metricSeries.series(integration, window));
  });
}
