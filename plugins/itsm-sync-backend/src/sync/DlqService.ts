import type { DlqEntryResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';

/** The dead-letter queue of each integration: list, retry (delivered again by the outbox) and discard entries. */
export class DlqService {
  private readonly store: SyncStore;
  private readonly clock: Clock;

  constructor(options: { store: SyncStore; clock: Clock }) {
    this.store = options.store;
    this.clock = options.clock;
  }

  /** Entries in `state` (failed unless said otherwise), newest first. */
  list(integrationId: string, state?: string): Promise<DlqEntryResponse[]> {
    return this.store.dlq.list(integrationId, state);
  }

  get(
    integrationId: string,
    entryId: string,
  ): Promise<DlqEntryResponse | undefined> {
    return this.store.dlq.get(integrationId, entryId);
  }

  /** Queues a failed entry's change again; false when there is no failed entry of that id. */
  retry(integrationId: string, entryId: string): Promise<boolean> {
    return this.store.dlq.retry(integrationId, entryId, this.clock.now());
  }

  /** Drops a failed entry; false when there is no failed entry of that id. */
  discard(integrationId: string, entryId: string): Promise<boolean> {
    return this.store.dlq.discard(integrationId, entryId, this.clock.now());
  }
}
