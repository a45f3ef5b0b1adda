import { addPreviewRoutes } from './previewRoutes';
import express from 'express';
import Router from 'express-promise-router';
import type { CallbackTokenService } from '../sync/CallbackTokenService';
import type { ManualSyncService } from '../sync/ManualSyncService';
import type { SecretReseal } from '../sync/SecretReseal';
import { systemClock } from '../sync/Clock';
import { addCallbackTokenRoutes } from './callbackTokenRoutes';
import { addConflictRoutes } from './conflictRoutes';
import { addConnectorRoutes } from './connectorRoutes';
import { addIncidentRoutes } from './incidentRoutes';
import { addIntegrationRoutes } from './integrationRoutes';
import { addManualSyncRoutes } from './manualSyncRoutes';
import { addMetricSeriesRoutes } from './metricSeriesRoutes';
import { addReconcileRoutes } from './reconcileRoutes';
import { addRoutingRoutes } from './routingRoutes';
import { addSecretRoutes } from './secretRoutes';
import type { RouterContext } from './RouterContext';
import { addSyncRoutes } from './syncRoutes';
import { addUserMappingRoutes } from './userMappingRoutes';
import type { UserMappingService } from '../sync/UserMappingService';
import { addWebhookRoutes } from './webhookRoutes';
import {
  DEFAULT_WEBHOOK_RATE_LIMIT,
  WebhookRateLimiter,
  type WebhookRateLimit,
} from './WebhookRateLimiter';

/** The REST API of the itsm-sync plugin (base `/api/itsm-sync`). */
export async function createRouter(
  ctx: RouterContext & {
    /** Callback tokens (docs/connectors/webhook.md#callback-tokens). */
    callbackTokens: CallbackTokenService;
    /** "Sync with ITSM" (docs/sync-semantics.md#manual-sync). */
    manualSync: ManualSyncService;
    /** The reseal of stored secrets after a key rotation (`POST /v1/secrets/reseal`). */
    reseal: SecretReseal;
    /** Who people are at each vendor (`/v1/user-mappings`, docs/sync-semantics.md#people). */
    userMappings: UserMappingService;
    /** Requests per source and integration on the unauthenticated webhook routes; the default when not given. */
    webhookRateLimit?: WebhookRateLimit;
  },
): Promise<express.Router> {
  const router = Router();
  // Webhooks read raw bytes for signature checks, so they are mounted before the JSON parser.
  addWebhookRoutes(router, {
    ...ctx,
    webhookLimiter: new WebhookRateLimiter(
      ctx.webhookRateLimit ?? DEFAULT_WEBHOOK_RATE_LIMIT,
      systemClock,
    ),
  });
  router.use(express.json({ limit: '1mb' }));
  addIntegrationRoutes(router, ctx);
  addIncidentRoutes(router, ctx);
  addSyncRoutes(router, ctx);
  addMetricSeriesRoutes(router, ctx);
  addConflictRoutes(router, ctx);
  addConnectorRoutes(router, ctx);
  addReconcileRoutes(router, ctx);
  addRoutingRoutes(router, ctx);
  addPreviewRoutes(router, ctx);
  addCallbackTokenRoutes(router, ctx, ctx.callbackTokens);
  addSecretRoutes(router, ctx, ctx.reseal);
  addManualSyncRoutes(router, ctx, ctx.manualSync);
  addUserMappingRoutes(router, ctx, ctx.userMappings);
  return router;
}
