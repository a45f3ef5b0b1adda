import express from 'express';
import Router from 'express-promise-router';
import { addConflictRoutes } from './conflictRoutes';
import { addConnectorRoutes } from './connectorRoutes';
import { addIncidentRoutes } from './incidentRoutes';
import { addIntegrationRoutes } from './integrationRoutes';
import type { RouterContext } from './RouterContext';
import { addSyncRoutes } from './syncRoutes';
import { addWebhookRoutes } from './webhookRoutes';

/** The REST API of the itsm-sync plugin (base `/api/itsm-sync`). */
export async function createRouter(ctx: RouterContext): Promise<express.Router> {
  const router = Router();
  // Webhooks read raw bytes for signature checks, so they are mounted before the JSON parser.
  addWebhookRoutes(router, ctx);
  router.use(express.json({ limit: '1mb' }));
  addIntegrationRoutes(router, ctx);
  addIncidentRoutes(router, ctx);
  addSyncRoutes(router, ctx);
  addConflictRoutes(router, ctx);
  addConnectorRoutes(router, ctx);
  return router;
}
