import type { ReplayGuard } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';

/**
 * The replay cache connectors verify one-time webhook credentials against, in the
 * database so every replica sees a use at once. A real delivery marks the key used; the
 * signature test route (`record: false`) only asks, so testing a token does not spend it.
 */
export function webhookReplayGuard(
  store: SyncStore,
  clock: Clock,
  options: { record: boolean },
): ReplayGuard {
  return {
    async firstUse(key, expiresAt) {
      const now = clock.now();
      if (!options.record) return !(await store.replayKeys.inUse(key, now));
      return store.replayKeys.firstUse(key, expiresAt, now);
    },
  };
}
