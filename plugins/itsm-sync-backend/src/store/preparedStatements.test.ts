import type { Knex } from 'knex';
import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import { IncidentRepository } from './IncidentRepository';
import { prepared } from './preparedStatements';
import { isPostgres } from './dialect';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();

/** The test statements prepared by name on a connection; SQLite has no named statements. */
async function testStatementsPreparedOn(
  tx: Knex.Transaction,
): Promise<Array<{ name: string }>> {
  if (!isPostgres(tx)) return [];
  const { rows } = await tx.raw(
    `SELECT name FROM pg_prepared_statements WHERE name LIKE 'itsm_sync_test_%'`,
  );
  return rows;
}

describe.each(databases.eachSupportedId())(
  'prepared statements on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('reads incidents with their links by any number of ids with one statement text', async () => {
      const [a, b, c] = [
        await givenIncident(store),
        await givenIncident(store),
        await givenIncident(store),
      ];
      const sent: string[] = [];
      const listener = (q: { sql: string }) => sent.push(q.sql);
      knexOf(store).on('query', listener);
      try {
        expect([
          ...(
            await IncidentRepository.readWithLinks(knexOf(store), [a.id], {
              lock: false,
            })
          ).incidents.keys(),
        ]).toEqual([a.id]);
        const three = await IncidentRepository.readWithLinks(
          knexOf(store),
          [c.id, a.id, b.id, a.id],
          { lock: false },
        );
        expect([...three.incidents.keys()]).toEqual([a.id, b.id, c.id].sort());
      } finally {
        knexOf(store).off('query', listener);
      }
      expect(sent).toHaveLength(2);
      // Postgres: one text, so one prepared statement; SQLite: an IN list of each length.
      expect(sent[0] === sent[1]).toBe(
        knexOf(store).client.config.client === 'pg',
      );
    });

    it('names the statement on Postgres, so each connection parses it once', async () => {
      const incident = await givenIncident(store);
      const named = await knexOf(store).transaction(async tx => {
        // One connection: the transaction's.
        for (let i = 0; i < 2; i++) {
          const rows = await prepared(
            tx('incidents').where({ id: incident.id }).select('id'),
            'test_incidents_by_id',
          );
          expect(rows).toEqual([{ id: incident.id }]);
        }
        return testStatementsPreparedOn(tx);
      });
      expect(named).toEqual(
        isPostgres(knexOf(store))
          ? [{ name: 'itsm_sync_test_incidents_by_id' }]
          : [],
      );
    });
  },
);
