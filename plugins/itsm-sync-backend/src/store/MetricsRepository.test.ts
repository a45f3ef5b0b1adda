import { SYNC_METRICS } from '@itsm-sync-hub/plugin-itsm-sync-common';
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
  'MetricsRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('reads every sync metric, zero when never counted', async () => {
      const integration = await givenIntegration(store);
      expect(await store.metrics.read(integration.id)).toEqual(
        Object.fromEntries(SYNC_METRICS.map(m => [m, 0])),
      );
    });

    it('adds increments per integration and metric', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store);
      await store.metrics.increment(one.id, 'outbound_success');
      await store.metrics.increment(one.id, 'outbound_success', 4);
      await store.metrics.increment(one.id, 'drift_discrepancies', 0);
      await store.metrics.increment(two.id, 'conflicts_detected', 2);
      expect(await store.metrics.read(one.id)).toMatchObject({
        outbound_success: 5,
        drift_discrepancies: 0,
        conflicts_detected: 0,
      });
      expect(await store.metrics.read(two.id)).toMatchObject({
        outbound_success: 0,
        conflicts_detected: 2,
      });
    });

    it('loses no increment under concurrency', async () => {
      const integration = await givenIntegration(store);
      await Promise.all(
        Array.from({ length: 40 }, () =>
          store.metrics.increment(integration.id, 'inbound_success'),
        ),
      );
      expect((await store.metrics.read(integration.id)).inbound_success).toBe(
        40,
      );
    });

    it('counts inside a transaction and rolls back with it', async () => {
      const integration = await givenIntegration(store);
      await expect(
        knexOf(store).transaction(async tx => {
          await store.metrics.increment(
            integration.id,
            'inbound_failed',
            1,
            tx,
          );
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await store.metrics.read(integration.id)).inbound_failed).toBe(0);
    });
  },
);
