import express from 'express';
import Router from 'express-promise-router';
import type { CallbackTokenService } from '../sync/CallbackTokenService';
import type { ManualSyncService } from '../sync/ManualSyncService';
import { addCallbackTokenRoutes } from './callbackTokenRoutes';
import { addConflictRoutes } from './conflictRoutes';
import { addConnectorRoutes } from './connectorRoutes';
import { addIncidentRoutes } from './incidentRoutes';
import { addIntegrationRoutes } from './integrationRoutes';
import { addManualSyncRoutes } from './manualSyncRoutes';
import { addReconcileRoutes } from './reconcileRoutes';
import { addRoutingRoutes } from './routingRoutes';
import type { RouterContext } from './RouterContext';
import { addSyncRoutes } from './syncRoutes';
import { addWebhookRoutes } from './webhookRoutes';

/** The REST API of the itsm-sync plugin (base `/api/itsm-sync`). */
export async function createRouter(
  ctx: RouterContext & {
    /** Callback tokens (docs/connectors/webhook.md#callback-tokens). */
    callbackTokens: CallbackTokenService;
    /** "Sync with ITSM" (docs/sync-semantics.md#manual-sync). */
    manualSync: ManualSyncService;
  },
): Promise<express.Router> {
  const router = Router();
  // Webhooks read raw bytes for signature checks, so they are mounted before the JSON parser.
  addWebhookRoutes(router, ctx);
  router.use(express.json({ limit: '1mb' }));
  addIntegrationRoutes(router, ctx);
  addIncidentRoutes(router, ctx);
  addSyncRoutes(router, ctx);
  addConflictRoutes(router, ctx);
  addConnectorRoutes(router, ctx);
  addReconcileRoutes(router, ctx);
  addRoutingRoutes(router, ctx);
  addCallbackTokenRoutes(router, ctx, ctx.callbackTokens);
  addManualSyncRoutes(router, ctx, ctx.manualSync);
  return router;
}
