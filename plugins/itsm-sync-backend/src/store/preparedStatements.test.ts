import type { Knex } from 'knex';
import { createStoreTestDatabases, emptyTables, givenIncident, migratedStore } from './__testUtils__/storeTestDatabases';
import { prepared, whereAny } from './preparedStatements';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('prepared statements on %s', databaseId => {
  let store: SyncStore;

  beforeAll(async () => {
    store = await migratedStore(databases, databaseId);
  });
  beforeEach(async () => {
    await emptyTables(store.db);
  });

  it('selects by a list of values with the same text whatever their number', async () => {
    const [a, b, c] = [await givenIncident(store), await givenIncident(store), await givenIncident(store)];
    const byIds = (ids: string[]) => whereAny(store.db('incidents'), 'id', ids, 'text').select('id').orderBy('id') as Knex.QueryBuilder<any, Array<{ id: string }>>;
    expect((await byIds([a.id])).map(r => r.id)).toEqual([a.id]);
    expect((await byIds([c.id, a.id, b.id])).map(r => r.id)).toEqual([a.id, b.id, c.id].sort());
    expect(await byIds([])).toEqual([]);
    if (store.db.client.config.client === 'pg') {
      expect(byIds([a.id]).toSQL().sql).toBe(byIds([a.id, b.id, c.id]).toSQL().sql);
    }
  });

  it('names the statement on Postgres, so each connection parses it once', async () => {
    const incident = await givenIncident(store);
    await store.db.transaction(async tx => {
      // One connection: the transaction's.
      for (let i = 0; i < 2; i++) {
        const rows = await prepared(whereAny(tx('incidents'), 'id', [incident.id], 'text').select('id'), 'test_incidents_by_id');
        expect(rows).toEqual([{ id: incident.id }]);
      }
      if (tx.client.config.client === 'pg') {
        const { rows } = await tx.raw(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'itsm_sync_test_%'`);
        expect(rows).toEqual([{ name: 'itsm_sync_test_incidents_by_id' }]);
      }
    });
  });
});
