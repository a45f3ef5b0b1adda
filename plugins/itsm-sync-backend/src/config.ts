import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_WEBHOOK_RATE_LIMIT,
  type WebhookRateLimit,
} from './service/WebhookRateLimiter';
import type { DispatcherSettings } from './sync/Dispatcher';

/** A duration key, or its older number-of-`unit` alias (still read, see config.d.ts). */
function readOptionalDuration(
  config: Config | undefined,
  key: string,
  alias?: { key: string; unitMs: number },
): number | undefined {
  if (config?.has(key))
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (alias && config?.has(alias.key))
    return config.getNumber(alias.key) * alias.unitMs;
  return undefined;
}

function readWebhookRateLimit(c: Config | undefined): WebhookRateLimit {
  const limit = {
    requestsPerSecond:
      c?.getOptionalNumber('requestsPerSecond') ??
      DEFAULT_WEBHOOK_RATE_LIMIT.requestsPerSecond,
    burst: c?.getOptionalNumber('burst') ?? DEFAULT_WEBHOOK_RATE_LIMIT.burst,
  };
  if (!(limit.requestsPerSecond > 0) || !(limit.burst >= 1)) {
    throw new Error(
      'itsmSync.webhooks.rateLimit: requestsPerSecond must be above 0 and burst at least 1',
    );
  }
  return limit;
}

/** The plugin's settings from `itsmSync.*` (see config.d.ts). */
export class SyncSettings {
  private constructor(
    /** Only the settings given; the rest are the dispatcher's defaults. */
    readonly dispatcher: Partial<DispatcherSettings>,
    readonly maxWebhookBytes: number,
    readonly deliveredRetentionMs: number,
    /** Settled inbox rows (`webhook_deliveries`) are pruned after this long. */
    readonly inboxRetentionMs: number,
    /** Requests per source and integration on the unauthenticated webhook routes. */
    readonly webhookRateLimit: WebhookRateLimit,
    /** How often the sync event feed tells listeners what happened (docs/sync-semantics.md#notifications). */
    readonly eventsIntervalMs: number,
    /** Sync trace entries are pruned after this long. */
    readonly traceRetentionMs: number,
  ) {}

  static fromConfig(config: Config): SyncSettings {
    const c = config.getOptionalConfig('itsmSync');
    const rawDelays = c?.getOptional<unknown>('retry.delaysSeconds');
    const delays =
      rawDelays === undefined ? undefined : (rawDelays as number[]);
    if (
      delays &&
      (!Array.isArray(delays) ||
        delays.length === 0 ||
        delays.some(d => typeof d !== 'number' || !(d >= 0)))
    ) {
      throw new Error(
        'itsmSync.retry.delaysSeconds must be a non-empty list of non-negative numbers of seconds',
      );
    }
    const leaseMs = readOptionalDuration(c, 'dispatcher.lease', {
      key: 'dispatcher.leaseSeconds',
      unitMs: 1000,
    });
    const pollIntervalMs = readOptionalDuration(c, 'dispatcher.pollInterval', {
      key: 'dispatcher.pollIntervalMs',
      unitMs: 1,
    });
    const perIntegration = c?.getOptionalNumber(
      'dispatcher.perIntegrationConcurrency',
    );
    if (
      perIntegration !== undefined &&
      !(Number.isInteger(perIntegration) && perIntegration >= 1)
    ) {
      throw new Error(
        `itsmSync.dispatcher.perIntegrationConcurrency must be a whole number of at least 1, got ${perIntegration}`,
      );
    }
    const dispatcher: Partial<DispatcherSettings> = {
      ...(c?.has('dispatcher.concurrency')
        ? { concurrency: c.getNumber('dispatcher.concurrency') }
        : {}),
      ...(perIntegration !== undefined
        ? { perIntegrationConcurrency: perIntegration }
        : {}),
      ...(leaseMs !== undefined ? { leaseMs } : {}),
      ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
      ...(delays ? { retryDelaysSeconds: delays } : {}),
    };
    return new SyncSettings(
      dispatcher,
      c?.getOptionalNumber('webhooks.maxBodyBytes') ?? 1024 * 1024,
      readOptionalDuration(c, 'retention.delivered', {
        key: 'retention.deliveredDays',
        unitMs: 86_400_000,
      }) ?? 7 * 86_400_000,
      c?.has('retention.inbox')
        ? durationToMilliseconds(
            readDurationFromConfig(c, { key: 'retention.inbox' }),
          )
        : 7 * 86_400_000,
      readWebhookRateLimit(c?.getOptionalConfig('webhooks.rateLimit')),
      readOptionalDuration(c, 'events.interval') ?? 10_000,
      readOptionalDuration(c, 'retention.trace', {
        key: 'retention.traceDays',
        unitMs: 86_400_000,
      }) ?? 14 * 86_400_000,
    );
  }
}
