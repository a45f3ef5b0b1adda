import { IncidentRepository } from './IncidentRepository';
import { MetricsRepository } from './MetricsRepository';
import { chunks, ROWS_PER_STATEMENT } from './chunks';
import { writeTogether } from './writeTogether';
import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import { InboundBatchRepository } from './InboundBatchRepository';
import { LinkRepository } from './LinkRepository';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();
const T = 1_000_000;

describe.each(databases.eachSupportedId())(
  'InboundBatchRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('reads the incidents a set of tickets belongs to with all their links, and locks and reads those incidents', async () => {
      const a = await givenIntegration(store);
      const b = await givenIntegration(store);
      const one = await givenIncident(store, { title: 'one' });
      const two = await givenIncident(store, { title: 'two' });
      const unrelated = await givenIncident(store, { title: 'unrelated' });
      await LinkRepository.ensure(knexOf(store), one.id, a.id, T, {
        id: 'A-1',
      });
      await LinkRepository.ensure(knexOf(store), one.id, b.id, T, {
        id: 'B-1',
      });
      await LinkRepository.ensure(knexOf(store), two.id, a.id, T, {
        id: 'A-2',
      });
      await LinkRepository.ensure(knexOf(store), unrelated.id, a.id, T, {
        id: 'A-3',
      });

      const around = await InboundBatchRepository.readAroundTickets(
        knexOf(store),
        [
          { integrationId: a.id, externalId: 'A-1' },
          { integrationId: a.id, externalId: 'A-2' },
          { integrationId: a.id, externalId: 'nobody' },
        ],
      );
      expect(around.links.map(l => l.external_id).sort()).toEqual([
        'A-1',
        'A-2',
        'B-1',
      ]);
      expect([...around.incidents.keys()].sort()).toEqual(
        [one.id, two.id].sort(),
      );
      expect(around.incidents.get(two.id)).toEqual(
        await store.incidents.get(two.id),
      );

      const { incidents, links: current } = await knexOf(store).transaction(
        tx => IncidentRepository.lockWithLinks(tx, [two.id, one.id, two.id]),
      );
      expect([...incidents.keys()]).toEqual([one.id, two.id].sort());
      expect(incidents.get(one.id)).toMatchObject({
        title: 'one',
        version: 1,
        field_changes: {},
      });
      expect(current.map(l => [l.incident_id, l.external_id]).sort()).toEqual(
        [
          [one.id, 'A-1'],
          [one.id, 'B-1'],
          [two.id, 'A-2'],
        ].sort(),
      );
      expect(current.find(l => l.external_id === 'A-1')).toEqual(
        await store.links.get(one.id, a.id),
      );
    });

    it('adds to counters with one upsert, creating the ones that do not exist yet', async () => {
      const a = await givenIntegration(store);
      await store.metrics.increment(a.id, 'inbound_success', 2);
      for (const write of MetricsRepository.incrementStatements(knexOf(store), [
        { integration_id: a.id, metric: 'inbound_success', value: 3 },
        { integration_id: a.id, metric: 'conflicts_detected', value: 1 },
      ])) {
        await write;
      }
      expect(await store.metrics.read(a.id)).toMatchObject({
        inbound_success: 5,
        conflicts_detected: 1,
      });
    });

    it('writes many statements together, splitting before the parameter limit, and loses none', async () => {
      const incident = await givenIncident(store);
      const rows = Array.from({ length: 6000 }, (_, n) => ({
        incident_id: incident.id,
        kind: 'note' as const,
        text: `note ${n}`,
        author: null,
        source: 'test',
        created_at: T,
      }));
      // As multi-row inserts, 6000 rows of 6 columns are 36,000 parameters: more than one
      // combined statement takes.
      const sent: string[] = [];
      const listener = (q: { sql: string }) => sent.push(q.sql);
      knexOf(store).on('query', listener);
      await knexOf(store).transaction(tx =>
        writeTogether(tx, [
          ...chunks(rows).map(part => tx('incident_timeline').insert(part)),
          ...IncidentRepository.updateStatements(tx, [
            { ...incident, status: 'resolved', version: 2 },
          ]),
        ]),
      );
      knexOf(store).off('query', listener);
      const writes = sent.filter(sql => !/^(begin|commit)/i.test(sql.trim()));
      // 40 inserts and an update: as two statements on Postgres, one by one on SQLite.
      expect(writes).toHaveLength(
        knexOf(store).client.config.client === 'pg' ? 2 : 41,
      );
      expect(await store.incidents.timeline(incident.id)).toHaveLength(6000);
      expect(await store.incidents.get(incident.id)).toMatchObject({
        status: 'resolved',
        version: 2,
      });
    });

    it('inserts timeline rows in their order, on Postgres as one statement of column arrays', async () => {
      const incident = await givenIncident(store);
      const rows = Array.from({ length: 1200 }, (_, n) => ({
        incident_id: incident.id,
        kind: n % 2 ? ('event' as const) : ('note' as const),
        text: `entry ${n} with 'quotes', "double", {braces}, back\\slash and ünïcode`,
        author: n % 3 ? `author ${n}` : null,
        source: 'test',
        created_at: T + n,
      }));
      const statements = InboundBatchRepository.insertTimeline(
        knexOf(store),
        rows,
      );
      expect(statements).toHaveLength(
        knexOf(store).client.config.client === 'pg'
          ? 1
          : Math.ceil(rows.length / ROWS_PER_STATEMENT),
      );
      for (const statement of statements) await statement;
      const timeline = await store.incidents.timeline(incident.id);
      expect(
        timeline.map(t => [t.kind, t.text, t.author, t.created_at]),
      ).toEqual(rows.map(r => [r.kind, r.text, r.author, r.created_at]));
    });
  },
);
