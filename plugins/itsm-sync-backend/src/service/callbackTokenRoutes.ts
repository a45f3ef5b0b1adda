import type { Router } from 'express';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  createCallbackTokenRequestSchema,
  type CallbackTokenResponse,
  type IssuedCallbackTokenResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { CallbackTokenRecord } from '../store/CallbackTokenRepository';
import { iso, isoOrNull } from '../store/rows';
import type { CallbackTokenService } from '../sync/CallbackTokenService';
import { audited } from './audited';
import { createResourceAuthorizer, principalName } from './authorize';
import type { RouterContext } from './RouterContext';
import { parseInput } from './validation';

/** A token as listed: never the token, never its hash. */
function tokenView(record: CallbackTokenRecord): CallbackTokenResponse {
  return {
    id: record.id,
    integration_id: record.integration_id,
    app_name: record.name,
    description: record.description,
    state: record.revoked_at === null ? 'active' : 'revoked',
    created_at: iso(record.created_at),
    created_by: record.created_by,
    last_used_at: isoOrNull(record.last_used_at),
    revoked_at: isoOrNull(record.revoked_at),
  };
}

/** Callback tokens of an integration (docs/connectors/webhook.md#callback-tokens): generate, list, revoke. */
export function addCallbackTokenRoutes(
  router: Router,
  ctx: RouterContext,
  tokens: CallbackTokenService,
) {
  const resources = createResourceAuthorizer(ctx);

  router.post('/v1/integrations/:ref/callback-tokens', async (req, res) => {
    const { integration, access } = await resources.managedIntegration(req);
    const body = parseInput(
      createCallbackTokenRequestSchema,
      req.body ?? {},
      'callback token',
    );
    // A token its connector never checks would look like a working credential.
    if (
      !ctx.connectors.get(integration.integration_type)?.capabilities
        .callbackTokens
    ) {
      throw new InputError(
        `Integration '${integration.name}' (${integration.integration_type}) does not take callback tokens: its connector checks webhooks against the integration's webhook secrets`,
      );
    }
    const { record, token } = await audited(
      ctx.auditor,
      {
        eventId: 'callback-token-create',
        severityLevel: 'high',
        request: req,
        meta: { integration: integration.id, app_name: body.app_name },
      },
      () =>
        tokens.issue(integration, {
          name: body.app_name,
          description: body.description,
          createdBy: principalName(access.credentials),
        }),
      issued => ({ token_id: issued.record.id }),
    );
    // The only time the token leaves the hub; it is not stored and cannot be shown again.
    const issued: IssuedCallbackTokenResponse = {
      ...tokenView(record),
      token,
      webhook_url: `${ctx.baseUrl}/v1/webhooks/${integration.id}`,
    };
    res.status(201).json(issued);
  });

  router.get('/v1/integrations/:ref/callback-tokens', async (req, res) => {
    const { integration } = await resources.managedIntegration(req);
    res.json({ items: (await tokens.list(integration)).map(tokenView) });
  });

  router.delete(
    '/v1/integrations/:ref/callback-tokens/:tokenId',
    async (req, res) => {
      const { integration } = await resources.managedIntegration(req);
      const audit = await ctx.auditor.createEvent({
        eventId: 'callback-token-revoke',
        severityLevel: 'high',
        request: req,
        meta: { integration: integration.id, token_id: req.params.tokenId },
      });
      if (!(await tokens.revoke(integration, req.params.tokenId))) {
        const error = new NotFoundError(
          `No live callback token '${req.params.tokenId}' on integration '${integration.name}'`,
        );
        await audit.fail({ error });
        throw error;
      }
      await audit.success();
      res.status(204).end();
    },
  );
}
