import {
  createStoreTestDatabases,
  emptyTables,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'IgnoredEventRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('counts per event type and reason, keeping the first and last time seen and the last ids', async () => {
      const integration = await givenIntegration(store);
      await store.ignoredEvents.record(
        integration.id,
        [
          {
            eventType: 'worklog_created',
            reason: 'work logs are not synced',
            eventId: 'd-1',
            externalId: '10001',
          },
          {
            eventType: 'worklog_created',
            reason: 'work logs are not synced',
            eventId: 'd-2',
          },
          {
            eventType: 'sprint_started',
            reason: 'Jira configuration events name no incident',
          },
        ],
        1_000,
      );
      await store.ignoredEvents.record(
        integration.id,
        [
          {
            eventType: 'worklog_created',
            reason: 'work logs are not synced',
            eventId: 'd-3',
          },
        ],
        2_000,
      );
      expect(await store.ignoredEvents.list(integration.id)).toEqual([
        {
          integration_id: integration.id,
          event_type: 'worklog_created',
          reason: 'work logs are not synced',
          count: 3,
          last_event_id: 'd-3',
          last_external_id: '10001',
          first_seen_at: 1_000,
          last_seen_at: 2_000,
        },
        expect.objectContaining({
          event_type: 'sprint_started',
          count: 1,
          last_event_id: null,
          first_seen_at: 1_000,
          last_seen_at: 1_000,
        }),
      ]);
    });

    it('stores whatever a vendor body gave as text clipped to the columns, and forgets an integration with it', async () => {
      const integration = await givenIntegration(store);
      const long = 'x'.repeat(5_000);
      await store.ignoredEvents.record(
        integration.id,
        [{ eventType: long, reason: long, eventId: long, externalId: long }],
        1_000,
      );
      const [row] = await store.ignoredEvents.list(integration.id);
      expect([
        row.event_type.length,
        row.reason.length,
        row.last_event_id!.length,
        row.last_external_id!.length,
      ]).toEqual([200, 500, 200, 200]);
      await store.integrations.delete(integration.id);
      expect(
        await knexOf(store)('ignored_webhook_events').where({
          integration_id: integration.id,
        }),
      ).toEqual([]);
    });

    it('loses no count when two replicas record the same event at once', async () => {
      const integration = await givenIntegration(store);
      const event = {
        eventType: 'pagey.ping',
        reason: 'a test delivery of the webhook subscription',
      };
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.ignoredEvents.record(integration.id, [event], 1_000 + i),
        ),
      );
      expect((await store.ignoredEvents.list(integration.id))[0].count).toBe(
        20,
      );
    });
  },
);
