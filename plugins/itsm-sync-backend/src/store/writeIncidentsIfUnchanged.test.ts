import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  migratedStore,
  postgresIds,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import type { SyncStore } from './SyncStore';
import { writeIncidentsIfUnchanged } from './writeIncidentsIfUnchanged';

const databases = createStoreTestDatabases();
const T = 1_000_000;

// The statement is Postgres's (SQLite takes the locked way).
describe.each(postgresIds(databases))(
  'writeIncidentsIfUnchanged on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('writes the incidents still at the version read, with their outbox rows in order, and nothing of the others', async () => {
      const integration = await givenIntegration(store);
      const fresh = await givenIncident(store);
      const stale = await givenIncident(store);
      // Someone else changed `stale` after it was read at version 1.
      await knexOf(store)('incidents')
        .where({ id: stale.id })
        .update({ version: 2, title: 'theirs' });
      const row = (incidentId: string, title: string) => ({
        integration_id: integration.id,
        incident_id: incidentId,
        operation: 'sync' as const,
        payload: { changes: { title } },
      });

      const written = await writeIncidentsIfUnchanged(
        knexOf(store),
        [
          {
            incident: {
              ...fresh,
              title: 'mine',
              version: 2,
              field_changes: { title: { at: T, source: 'platform' } },
              updated_at: T,
            },
            readVersion: 1,
          },
          {
            incident: {
              ...stale,
              title: 'mine too',
              version: 2,
              updated_at: T,
            },
            readVersion: 1,
          },
        ],
        [
          row(fresh.id, 'mine 1'),
          row(stale.id, 'mine too'),
          row(fresh.id, 'mine 2'),
        ],
        T,
      );

      expect([...written]).toEqual([fresh.id]);
      expect(await store.incidents.get(fresh.id)).toMatchObject({
        title: 'mine',
        version: 2,
        updated_at: T,
        field_changes: { title: { at: T, source: 'platform' } },
      });
      expect(await store.incidents.get(stale.id)).toMatchObject({
        title: 'theirs',
        version: 2,
      });
      expect(
        (await store.outbox.listFor(integration.id)).map(r => [
          r.incident_id,
          r.payload.changes?.title,
          r.state,
          r.next_attempt_at,
        ]),
      ).toEqual([
        [fresh.id, 'mine 1', 'pending', T],
        [fresh.id, 'mine 2', 'pending', T],
      ]);
    });

    it('writes nothing when nothing is given', async () => {
      expect(await writeIncidentsIfUnchanged(knexOf(store), [], [], T)).toEqual(
        new Set(),
      );
    });
  },
);
