import { mockServices } from '@backstage/backend-test-utils';
import type {
  ItsmConflictAwaitingReviewEvent,
  ItsmDeadLetteredEvent,
  ItsmIntegrationHealthEvent,
  ItsmSyncEventListener,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  knexOf,
  migratedStore,
} from '../store/__testUtils__/storeTestDatabases';
import type { SyncStore } from '../store/SyncStore';
import type { OutboxRecord } from '../store/types';
import { SyncEventFeed } from './SyncEventFeed';
import { SyncStatusService } from './SyncStatusService';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

/** A listener that records what it was told, and can be made to fail. */
class RecordingListener implements ItsmSyncEventListener {
  conflicts: ItsmConflictAwaitingReviewEvent[] = [];
  deadLetters: ItsmDeadLetteredEvent[] = [];
  health: ItsmIntegrationHealthEvent[] = [];
  failing = false;

  private check() {
    if (this.failing) throw new Error('notifications backend unavailable');
  }
  async conflictAwaitingReview(event: ItsmConflictAwaitingReviewEvent) {
    this.check();
    this.conflicts.push(event);
  }
  async deadLettered(event: ItsmDeadLetteredEvent) {
    this.check();
    this.deadLetters.push(event);
  }
  async integrationHealthChanged(event: ItsmIntegrationHealthEvent) {
    this.check();
    this.health.push(event);
  }
}

describe.each(databases.eachSupportedId())('SyncEventFeed on %s', id => {
  let store: SyncStore;
  let now: number;
  let listener: RecordingListener;
  let feed: SyncEventFeed;

  beforeAll(async () => {
    store = await migratedStore(databases, id);
  });

  beforeEach(async () => {
    await emptyTables(knexOf(store));
    now = 1_000_000;
    const clock = { now: () => now };
    listener = new RecordingListener();
    feed = new SyncEventFeed({
      store,
      listeners: [listener],
      status: new SyncStatusService(store, clock),
      clock,
      logger: mockServices.logger.mock(),
    });
  });

  async function pendingConflict(integrationId: string, incidentId: string) {
    return store.conflicts.create(
      {
        integration_id: integrationId,
        incident_id: incidentId,
        field: 'status',
        platform_value: 'mitigated',
        platform_changed_at: now,
        external_value: 'resolved',
        external_changed_at: now,
        status: 'pending',
      },
      now,
    );
  }

  /** Puts a change of `incidentId` for `integrationId` in the DLQ; returns the entry id. */
  async function deadLetter(integrationId: string, incidentId: string) {
    await store.outbox.enqueue(
      [
        {
          integration_id: integrationId,
          incident_id: incidentId,
          operation: 'sync',
          payload: { changes: { status: 'open' } },
        },
      ],
      now,
    );
    const row = await knexOf(store)('outbox')
      .where({ incident_id: incidentId, state: 'pending' })
      .orderBy('id', 'desc')
      .first();
    return store.dlq.deadLetter(
      { ...row, payload: JSON.parse(row.payload) } as OutboxRecord,
      { attempts: 1, error: 'HTTP 400: bad request', status: 400 },
      now,
    );
  }

  it('announces a conflict awaiting review once, with its incident and the integration owner', async () => {
    const integration = await givenIntegration(store, {
      conflict_strategy: 'manual-review',
      settings: { notifications: { owner: 'group:default/ops', dlq: false } },
    });
    const incident = await givenIncident(store, {
      title: 'Checkout down',
      entity_ref: 'component:default/checkout',
    });
    const conflictId = await pendingConflict(integration.id, incident.id);
    await feed.tick();
    await feed.tick();
    expect(listener.conflicts).toEqual([
      {
        conflictId,
        field: 'status',
        integration: {
          id: integration.id,
          name: integration.name,
          type: 'servicenow',
          notifications: { owner: 'group:default/ops', dlq: false },
        },
        incident: {
          id: incident.id,
          title: 'Checkout down',
          entityRef: 'component:default/checkout',
        },
      },
    ]);
  });

  it('announces nothing for a conflict settled before the round', async () => {
    const integration = await givenIntegration(store);
    const incident = await givenIncident(store);
    const conflictId = await pendingConflict(integration.id, incident.id);
    await store.conflicts.resolve(conflictId, 'ignore', 'user:default/a', now);
    await feed.tick();
    expect(listener.conflicts).toEqual([]);
  });

  it('offers an event again after a listener failed', async () => {
    const integration = await givenIntegration(store);
    const incident = await givenIncident(store);
    await pendingConflict(integration.id, incident.id);
    listener.failing = true;
    await feed.tick();
    listener.failing = false;
    await feed.tick();
    await feed.tick();
    expect(listener.conflicts).toHaveLength(1);
  });

  it('keeps dead letters in one episode until the DLQ is empty, then starts a new one', async () => {
    const integration = await givenIntegration(store);
    const incident = await givenIncident(store);
    const first = await deadLetter(integration.id, incident.id);
    await feed.tick();
    now += 20_000;
    await deadLetter(integration.id, incident.id);
    await deadLetter(integration.id, incident.id);
    await feed.tick();
    expect(listener.deadLetters.map(e => e.entries.length)).toEqual([1, 2]);
    expect(listener.deadLetters.map(e => e.dlqSize)).toEqual([1, 3]);
    const [episode] = new Set(listener.deadLetters.map(e => e.episodeId));
    expect(listener.deadLetters[1].episodeId).toBe(episode);
    expect(listener.deadLetters[0].entries[0]).toMatchObject({
      id: first,
      lastStatus: 400,
      lastError: 'HTTP 400: bad request',
    });

    for (const entry of await store.dlq.list(integration.id, 'failed'))
      await store.dlq.discard(integration.id, entry.id, now);
    now += 1_000;
    await feed.tick();
    now += 1_000;
    await deadLetter(integration.id, incident.id);
    await feed.tick();
    expect(listener.deadLetters).toHaveLength(3);
    expect(listener.deadLetters[2].episodeId).not.toBe(episode);
  });

  it('opens an unhealthy episode when deliveries keep failing and closes it on recovery', async () => {
    const integration = await givenIntegration(store, {
      settings: { notifications: { owner: 'group:default/ops' } },
    });
    const incident = await givenIncident(store);
    await store.outbox.enqueue(
      [
        {
          integration_id: integration.id,
          incident_id: incident.id,
          operation: 'sync',
          payload: { changes: { status: 'open' } },
        },
      ],
      now,
    );
    const outbox = knexOf(store)('outbox').where({
      integration_id: integration.id,
    });
    await outbox
      .clone()
      .update({ attempts: 3, last_error: 'HTTP 503: unavailable' });
    await feed.tick();
    now += 10_000;
    await feed.tick();
    expect(listener.health).toEqual([
      expect.objectContaining({
        state: 'unhealthy',
        health: 'failing',
        lastError: 'HTTP 503: unavailable',
      }),
    ]);

    await outbox.clone().update({ state: 'delivered', delivered_at: now });
    await feed.tick();
    await feed.tick();
    expect(listener.health.map(e => e.state)).toEqual([
      'unhealthy',
      'recovered',
    ]);
    expect(listener.health[1].episodeId).toBe(listener.health[0].episodeId);
  });

  it('opens an unhealthy episode when webhooks are refused, and closes it an hour after the last', async () => {
    const integration = await givenIntegration(store, {
      settings: { notifications: { owner: 'group:default/ops' } },
    });
    await store.refusals.record(
      integration.id,
      'signature does not match',
      now,
    );
    await feed.tick();
    await feed.tick();
    expect(listener.health).toEqual([
      expect.objectContaining({
        state: 'unhealthy',
        health: 'degraded',
        lastError:
          'webhooks refused: signature does not match (1 in the last hour)',
      }),
    ]);

    now += 61 * 60_000;
    await feed.tick();
    expect(listener.health.map(e => e.state)).toEqual([
      'unhealthy',
      'recovered',
    ]);
  });
});
