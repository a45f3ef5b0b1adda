import type { Router } from 'express';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { itsmSyncIntegrationManagePermission } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { SecretReseal } from '../sync/SecretReseal';
import { audited } from './audited';
import type { RouterContext } from './RouterContext';

/**
 * `POST /v1/secrets/reseal`: after a key rotation, seals every stored secret with the
 * current key so `previousKeys` can be emptied. It touches every integration, so it needs
 * `integration.manage` outright: a manager scoped to some integrations is refused.
 */
export function addSecretRoutes(
  router: Router,
  ctx: RouterContext,
  reseal: SecretReseal,
) {
  router.post('/v1/secrets/reseal', async (req, res) => {
    const credentials = await ctx.httpAuth.credentials(req);
    const [decision] = await ctx.permissions.authorizeConditional(
      [{ permission: itsmSyncIntegrationManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${itsmSyncIntegrationManagePermission.name} on every integration`,
      );
    }
    const report = await audited(
      ctx.auditor,
      { eventId: 'secrets-reseal', severityLevel: 'high', request: req },
      () => reseal.run(),
      r => ({
        key_id: r.key_id,
        integrations: r.integrations,
        resealed: r.resealed,
        failed: r.failed.map(f => f.integration_id),
      }),
    );
    if (report.failed.length) {
      ctx.logger.warn('Resealing secrets left integrations under an old key', {
        failed: report.failed.map(f => f.integration_id).join(','),
      });
    }
    res.json(report);
  });
}
