import type { Config } from '@backstage/config';
import { DEFAULT_WEBHOOK_RATE_LIMIT, type WebhookRateLimit } from './service/WebhookRateLimiter';
import type { DispatcherOptions } from './sync/Dispatcher';

function webhookRateLimit(c: Config | undefined): WebhookRateLimit {
  const limit = {
    requestsPerSecond: c?.getOptionalNumber('requestsPerSecond') ?? DEFAULT_WEBHOOK_RATE_LIMIT.requestsPerSecond,
    burst: c?.getOptionalNumber('burst') ?? DEFAULT_WEBHOOK_RATE_LIMIT.burst,
  };
  if (!(limit.requestsPerSecond > 0) || !(limit.burst >= 1)) {
    throw new Error('itsmSync.webhooks.rateLimit: requestsPerSecond must be above 0 and burst at least 1');
  }
  return limit;
}

/** The plugin's settings from `itsmSync.*` (see config.d.ts). */
export function readSyncConfig(config: Config) {
  const c = config.getOptionalConfig('itsmSync');
  const rawDelays = c?.getOptional<unknown>('retry.delaysSeconds');
  const delays = rawDelays === undefined ? undefined : (rawDelays as number[]);
  if (delays && (!Array.isArray(delays) || delays.length === 0 || delays.some(d => typeof d !== 'number' || !(d >= 0)))) {
    throw new Error('itsmSync.retry.delaysSeconds must be a non-empty list of non-negative numbers of seconds');
  }
  const dispatcher: Partial<DispatcherOptions> = {
    ...(c?.has('dispatcher.concurrency') ? { concurrency: c.getNumber('dispatcher.concurrency') } : {}),
    ...(c?.has('dispatcher.leaseSeconds') ? { leaseMs: c.getNumber('dispatcher.leaseSeconds') * 1000 } : {}),
    ...(c?.has('dispatcher.pollIntervalMs') ? { pollIntervalMs: c.getNumber('dispatcher.pollIntervalMs') } : {}),
    ...(delays ? { retryDelaysSeconds: delays } : {}),
  };
  return {
    dispatcher,
    maxWebhookBytes: c?.getOptionalNumber('webhooks.maxBodyBytes') ?? 1024 * 1024,
    webhookRateLimit: webhookRateLimit(c?.getOptionalConfig('webhooks.rateLimit')),
    deliveredRetentionMs: (c?.getOptionalNumber('retention.deliveredDays') ?? 7) * 86_400_000,
  };
}
