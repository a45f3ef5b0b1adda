import express, { type Router } from 'express';
import { WebhookAuthError } from '../sync/InboundPipeline';
import type { RouterContext } from './RouterContext';

/**
 * Inbound vendor webhooks. Unauthenticated as far as Backstage is concerned (the
 * connector verifies the vendor's signature); the raw bytes are kept for that check.
 */
export function addWebhookRoutes(router: Router, ctx: RouterContext) {
  router.post(
    '/v1/webhooks/:integration',
    express.raw({ type: () => true, limit: ctx.maxWebhookBytes }),
    async (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      try {
        const result = await ctx.engine.inbound.receive(req.params.integration, {
          rawBody,
          headers,
          method: req.method,
          url: req.originalUrl,
        });
        res.status(result.status === 'accepted' ? 200 : 202).json(result);
      } catch (error) {
        if (error instanceof WebhookAuthError) {
          res.status(401).json({ error: { name: 'AuthenticationError', message: error.message }, response: { statusCode: 401 } });
          return;
        }
        throw error;
      }
    },
  );
}
