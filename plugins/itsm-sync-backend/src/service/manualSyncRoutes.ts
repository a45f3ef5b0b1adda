import { toError, type ErrorResponseBody } from '@backstage/errors';
import type { Router } from 'express';
import {
  itsmSyncIncidentWritePermission,
  type ManualSyncCooldownResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ManualSyncTooSoonError,
  ManualSyncFailedError,
  type ManualSyncService,
} from '../sync/ManualSyncService';
import { createAuthorizer, principalName } from './authorize';
import type { RouterContext } from './RouterContext';

/** "Sync with ITSM" (docs/sync-semantics.md#manual-sync): POST /v1/integrations/{id}/incidents/{incident}/sync. */
export function addManualSyncRoutes(
  router: Router,
  ctx: RouterContext,
  manualSync: ManualSyncService,
) {
  const authorize = createAuthorizer(ctx);

  router.post(
    '/v1/integrations/:ref/incidents/:incident/sync',
    async (req, res) => {
      const credentials = await authorize(req, itsmSyncIncidentWritePermission);
      const integration = await ctx.integrations.resolve(req.params.ref);
      const audit = await ctx.auditor.createEvent({
        eventId: 'incident-manual-sync',
        severityLevel: 'low',
        request: req,
        meta: { integration: integration.id, incident: req.params.incident },
      });
      try {
        const result = await manualSync.sync(integration, req.params.incident);
        await audit.success({ meta: { external_id: result.external_id } });
        ctx.logger.info('Manual sync with ITSM', {
          integration: integration.id,
          incident: req.params.incident,
          by: principalName(credentials),
          state: 'state' in result ? result.state : 'delivered',
        });
        // Still queued after the wait: accepted, and it will be delivered by the outbox.
        res.status('state' in result ? 202 : 200).json(result);
      } catch (error) {
        if (error instanceof ManualSyncTooSoonError) {
          await audit.fail({ error });
          const body: ManualSyncCooldownResponse = {
            error: { name: error.name, message: error.message },
            request: { method: req.method, url: req.originalUrl },
            response: { statusCode: 429 },
            retry_after_seconds: error.retryAfterSeconds,
            cooldown_until: error.cooldownUntil.toISOString(),
          };
          res
            .status(429)
            .set('Retry-After', String(error.retryAfterSeconds))
            .json(body);
          return;
        }
        await audit.fail({ error: toError(error) });
        if (error instanceof ManualSyncFailedError) {
          // The standard error body; 502 (the vendor failed) is a status no @backstage/errors type maps to.
          const body: ErrorResponseBody = {
            error: { name: error.name, message: error.message },
            request: { method: req.method, url: req.originalUrl },
            response: { statusCode: 502 },
          };
          res.status(502).json(body);
          return;
        }
        throw error;
      }
    },
  );
}
