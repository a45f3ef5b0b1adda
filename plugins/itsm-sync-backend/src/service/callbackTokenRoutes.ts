import type { Request, Router } from 'express';
import { InputError, NotFoundError } from '@backstage/errors';
import { z } from 'zod';
import type { CallbackTokenRecord } from '../store/CallbackTokenRepository';
import { iso, isoOrNull } from '../store/rows';
import type { CallbackTokenService } from '../sync/CallbackTokenService';
import { audited } from './audited';
import { createResourceAuthorizer, principalName } from './authorize';
import type { RouterContext } from './RouterContext';
import { parseInput } from './validation';

const createCallbackTokenSchema = z
  .object({
    app_name: z.string().trim().min(1, 'is required').max(200),
    description: z.string().trim().max(1000).default(''),
  })
  .strict();

/** A token as listed: never the token, never its hash. */
function tokenView(record: CallbackTokenRecord) {
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

/** Callback tokens of an integration (spec 004 step 3): generate, list, revoke. */
export function addCallbackTokenRoutes(router: Router, ctx: RouterContext, tokens: CallbackTokenService) {
  const resources = createResourceAuthorizer(ctx);
  /** The integration of the request, once the caller may manage it. */
  const managed = async (req: Request) => {
    const access = await resources.manageIntegration(req);
    const integration = await ctx.integrations.resolve(req.params.ref);
    access.require(integration);
    return { integration, credentials: access.credentials };
  };

  router.post('/v1/integrations/:ref/callback-tokens', async (req, res) => {
    const { integration, credentials } = await managed(req);
    const body = parseInput(createCallbackTokenSchema, req.body ?? {}, 'callback token');
    // A token its connector never checks would look like a working credential.
    if (!ctx.connectors.get(integration.integration_type)?.capabilities.callbackTokens) {
      throw new InputError(
        `Integration '${integration.name}' (${integration.integration_type}) does not take callback tokens: its connector checks webhooks against the integration's webhook secrets`,
      );
    }
    const { record, token } = await audited(
      ctx.auditor,
      { eventId: 'callback-token-create', severityLevel: 'high', request: req, meta: { integration: integration.id, app_name: body.app_name } },
      () => tokens.issue(integration, { name: body.app_name, description: body.description, createdBy: principalName(credentials) }),
      issued => ({ token_id: issued.record.id }),
    );
    // The only time the token leaves the hub; it is not stored and cannot be shown again.
    res.status(201).json({ ...tokenView(record), token, webhook_url: `${ctx.baseUrl}/v1/webhooks/${integration.id}` });
  });

  router.get('/v1/integrations/:ref/callback-tokens', async (req, res) => {
    const { integration } = await managed(req);
    res.json({ items: (await tokens.list(integration)).map(tokenView) });
  });

  router.delete('/v1/integrations/:ref/callback-tokens/:tokenId', async (req, res) => {
    const { integration } = await managed(req);
    const audit = await ctx.auditor.createEvent({
      eventId: 'callback-token-revoke',
      severityLevel: 'high',
      request: req,
      meta: { integration: integration.id, token_id: req.params.tokenId },
    });
    if (!(await tokens.revoke(integration, req.params.tokenId))) {
      const error = new NotFoundError(`No live callback token '${req.params.tokenId}' on integration '${integration.name}'`);
      await audit.fail({ error });
      throw error;
    }
    await audit.success();
    res.status(204).end();
  });
}
