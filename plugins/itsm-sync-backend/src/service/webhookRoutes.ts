import express, { type Request, type Router } from 'express';
import type { WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { RouterContext } from './RouterContext';

/**
 * Inbound vendor webhooks. Unauthenticated as far as Backstage is concerned (the
 * connector verifies the vendor's signature); the raw bytes are kept for that check. A
 * refused signature is thrown as AuthenticationError: the error middleware answers 401.
 */
export function addWebhookRoutes(router: Router, ctx: RouterContext) {
  const rawBody = express.raw({ type: () => true, limit: ctx.maxWebhookBytes });

  router.post('/v1/webhooks/:integration', rawBody, async (req, res) => {
    const result = await ctx.engine.inbound.receive(req.params.integration, webhookRequest(req));
    res.status(result.status === 'accepted' ? 200 : 202).json(result);
  });

  // docs/sync-semantics.md#checking-a-delivery: checks a delivery's signature exactly as a real one, applying nothing.
  router.post('/v1/webhooks/:integration/test', rawBody, async (req, res) => {
    res.json(await ctx.engine.inbound.test(req.params.integration, webhookRequest(req)));
  });
}

/** The request as a connector sees it: the exact bytes received and lower-cased headers. */
function webhookRequest(req: Request): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return {
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    headers,
    method: req.method,
    url: req.originalUrl,
  };
}

