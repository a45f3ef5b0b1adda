import { toError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { LRUCache } from 'lru-cache';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';

/** A token's last use is written at most this often, per token and process. */
export const CALLBACK_TOKEN_USE_INTERVAL_MS = 60_000;

/**
 * Notes when a callback token was last used, for the token list. At most one
 * write a minute per token, so an ITSM sending many callbacks does not cost a write each;
 * the list is then up to a minute behind. The time is only informative: a failed write is
 * logged and never fails the webhook that used the token.
 */
export class CallbackTokenUse {
  /** When this process last wrote each token's use, by integration and token hash; bounded, least recently used out first. */
  private readonly written = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly store: SyncStore,
    private readonly clock: Clock,
    private readonly logger: LoggerService,
    private readonly intervalMs = CALLBACK_TOKEN_USE_INTERVAL_MS,
  ) {}

  async note(integrationId: string, tokenHash: string): Promise<void> {
    const now = this.clock.now();
    const key = `${integrationId} ${tokenHash}`;
    const last = this.written.get(key);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.written.set(key, now);
    try {
      await this.store.callbackTokens.touch(integrationId, tokenHash, now);
    } catch (error) {
      // The next use tries again.
      this.written.delete(key);
      this.logger.warn(
        `Could not note the use of a callback token of integration ${integrationId}: ${toError(error).message}`,
      );
    }
  }
}
