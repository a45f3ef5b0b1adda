import type { Config } from '@backstage/config';
import type { DispatcherSettings } from './sync/Dispatcher';

/** The plugin's settings from `itsmSync.*` (see config.d.ts). */
export function readSyncConfig(config: Config) {
  const c = config.getOptionalConfig('itsmSync');
  const rawDelays = c?.getOptional<unknown>('retry.delaysSeconds');
  const delays = rawDelays === undefined ? undefined : (rawDelays as number[]);
  if (delays && (!Array.isArray(delays) || delays.length === 0 || delays.some(d => typeof d !== 'number' || !(d >= 0)))) {
    throw new Error('itsmSync.retry.delaysSeconds must be a non-empty list of non-negative numbers of seconds');
  }
  const dispatcher: Partial<DispatcherSettings> = {
    ...(c?.has('dispatcher.concurrency') ? { concurrency: c.getNumber('dispatcher.concurrency') } : {}),
    ...(c?.has('dispatcher.leaseSeconds') ? { leaseMs: c.getNumber('dispatcher.leaseSeconds') * 1000 } : {}),
    ...(c?.has('dispatcher.pollIntervalMs') ? { pollIntervalMs: c.getNumber('dispatcher.pollIntervalMs') } : {}),
    ...(delays ? { retryDelaysSeconds: delays } : {}),
  };
  return {
    dispatcher,
    maxWebhookBytes: c?.getOptionalNumber('webhooks.maxBodyBytes') ?? 1024 * 1024,
    deliveredRetentionMs: (c?.getOptionalNumber('retention.deliveredDays') ?? 7) * 86_400_000,
  };
}
