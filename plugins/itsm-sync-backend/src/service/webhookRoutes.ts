import { AuthenticationError } from '@backstage/errors';
import express, {
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import type { WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { syncInstruments } from '../telemetry/instruments';
import type { RouterContext } from './RouterContext';
import type { WebhookRateLimiter } from './WebhookRateLimiter';

type WebhookRoute = 'delivery' | 'signature_test';

/**
 * Inbound vendor webhooks. Unauthenticated as far as Backstage is concerned (the
 * connector verifies the vendor's signature); the raw bytes are kept for that check.
 * Both routes are rate-limited per source address and integration before the body is
 * read, take integration ids only, and refuse with a generic body (the reason is logged).
 */
export function addWebhookRoutes(
  router: Router,
  ctx: RouterContext & { webhookLimiter: WebhookRateLimiter },
) {
  const rawBody = express.raw({ type: () => true, limit: ctx.maxWebhookBytes });
  const limited =
    (route: WebhookRoute) =>
    (req: Request, res: Response, next: NextFunction) => {
      const waitMs = ctx.webhookLimiter.take(
        req.ip ?? req.socket.remoteAddress ?? 'unknown',
        req.params.integration,
      );
      if (!waitMs) {
        next();
        return;
      }
      syncInstruments.webhookRefusals.add(1, { route, reason: 'rate_limited' });
      res.setHeader(
        'Retry-After',
        String(Math.max(1, Math.ceil(waitMs / 1000))),
      );
      res.status(429).json({
        error: { name: 'TooManyRequestsError', message: 'Too many requests' },
        response: { statusCode: 429 },
      });
    };

  router.post(
    '/v1/webhooks/:integration',
    limited('delivery'),
    rawBody,
    async (req, res) => {
      await answerRefusal(res, 'delivery', async () => {
        const result = await ctx.engine.inbound.receive(
          req.params.integration,
          webhookRequest(req),
        );
        res.status(result.status === 'accepted' ? 200 : 202).json(result);
      });
    },
  );

  // docs/sync-semantics.md#checking-a-delivery: checks a delivery's signature exactly as a real one, applying nothing.
  router.post(
    '/v1/webhooks/:integration/test',
    limited('signature_test'),
    rawBody,
    async (req, res) => {
      await answerRefusal(res, 'signature_test', async () => {
        res.json(
          await ctx.engine.inbound.test(
            req.params.integration,
            webhookRequest(req),
          ),
        );
      });
    },
  );
}

/** The request as a connector sees it: the exact bytes received and lower-cased headers. */
function webhookRequest(req: Request): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return {
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    headers,
    method: req.method,
    url: req.originalUrl,
  };
}

/**
 * A refused signature or an unknown integration is a 401 with the same generic body
 * either way (the reason is in the log), so the route tells a caller neither why nor
 * which integration ids exist; nothing was stored.
 */
async function answerRefusal(
  res: Response,
  route: WebhookRoute,
  fn: () => Promise<void>,
) {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    syncInstruments.webhookRefusals.add(1, {
      route,
      reason: 'unauthenticated',
    });
    res.status(401).json({
      error: { name: 'AuthenticationError', message: 'Webhook refused' },
      response: { statusCode: 401 },
    });
  }
}
