import { CLAIM_AND_READ, claimDispatchBatch } from './claimDispatchBatch';
import { readDispatchBatch } from './DispatchBatchReads';
import { LinkRepository } from './LinkRepository';
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
import type { OutboxInsert } from './types';

const databases = createStoreTestDatabases();
const LEASE = 60_000;
const T = 1_000_000;

const row = (
  integrationId: string,
  incidentId: string,
  title: string,
): OutboxInsert => ({
  integration_id: integrationId,
  incident_id: incidentId,
  operation: 'sync',
  payload: { changes: { title } },
});

// One statement on Postgres; elsewhere the claim and then the reads.
describe.each(databases.eachSupportedId())(
  'claimDispatchBatch on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('leases the heads and reads their followers, links and incidents as the separate reads would', async () => {
      const integration = await givenIntegration(store, {}, [
        { field: 'assigned_to', owner: 'external', priority: 5 },
      ]);
      const [a, b, unlinked] = [
        await givenIncident(store),
        await givenIncident(store),
        await givenIncident(store),
      ];
      await LinkRepository.ensure(knexOf(store), a.id, integration.id, T);
      await LinkRepository.ensure(knexOf(store), b.id, integration.id, T);
      await store.outbox.enqueue(
        [
          row(integration.id, a.id, 'a1'),
          row(integration.id, a.id, 'a2'),
          row(integration.id, b.id, 'b1'),
          row(integration.id, unlinked.id, 'u1'),
        ],
        T,
      );
      await store.outbox.enqueue([row(integration.id, a.id, 'a3')], T);

      const { rows, batch } = await claimDispatchBatch(
        knexOf(store),
        'w1',
        10,
        LEASE,
        T,
        1,
      );

      expect(rows.map(r => r.payload.changes?.title)).toEqual([
        'a1',
        'b1',
        'u1',
      ]);
      expect(
        rows.every(
          r => r.lease_owner === 'w1' && r.lease_expires_at === T + LEASE,
        ),
      ).toBe(true);
      // At most the coalesce limit behind each head, oldest first.
      expect(
        rows.map(r =>
          batch.followers.get(r.id)!.map(f => f.payload.changes?.title),
        ),
      ).toEqual([['a2'], [], []]);
      expect([...batch.links.values()].map(l => l.incident_id).sort()).toEqual(
        [a.id, b.id].sort(),
      );
      expect(batch.incidents.get(a.id)).toEqual(
        await store.incidents.get(a.id),
      );
      expect(batch.incidents.has(unlinked.id)).toBe(false);
      expect(batch.rules.get(integration.id)).toEqual([
        { field: 'assigned_to', owner: 'external', priority: 5 },
      ]);
      // The same as the claim's separate reads give.
      expect(batch).toEqual(await readDispatchBatch(knexOf(store), rows, 1));
      // Leased: nothing more to claim until they are delivered or the leases run out.
      expect(
        (await claimDispatchBatch(knexOf(store), 'w2', 10, LEASE, T + 1, 1))
          .rows,
      ).toEqual([]);
      expect(
        (
          await claimDispatchBatch(
            knexOf(store),
            'w2',
            10,
            LEASE,
            T + LEASE + 1,
            1,
          )
        ).rows.map(r => r.lease_owner),
      ).toEqual(['w2', 'w2', 'w2']);
    });

    it("takes no integration's rows beyond its room: one at its cap is skipped before the limit, so its older backlog never fills a claim", async () => {
      const slow = await givenIntegration(store);
      const healthy = await givenIntegration(store);
      const incidents = await Promise.all(
        Array.from({ length: 6 }, () => givenIncident(store)),
      );
      // The slow vendor's backlog is older than anything of the healthy one.
      await store.outbox.enqueue(
        incidents.map((inc, i) => row(slow.id, inc.id, `slow-${i}`)),
        T,
      );
      await store.outbox.enqueue(
        incidents.map((inc, i) => row(healthy.id, inc.id, `healthy-${i}`)),
        T,
      );
      const claim = (room: Map<string, number>, limit = 4) =>
        claimDispatchBatch(knexOf(store), 'w1', limit, LEASE, T, 1, {
          perIntegration: 3,
          room,
        }).then(({ rows }) => rows.map(r => r.payload.changes?.title));

      // At its cap: none of its rows, the whole limit for the others.
      expect(await claim(new Map([[slow.id, 0]]))).toEqual([
        'healthy-0',
        'healthy-1',
        'healthy-2',
      ]);
      // Room for one: only the oldest of its rows, though its backlog took the limit's
      // candidates (the worker sees its share filled and claims again at once)...
      expect(await claim(new Map([[slow.id, 1]]), 6)).toEqual(['slow-0']);
      // ...and with it at its cap, the others' rows within their share (3).
      expect(await claim(new Map([[slow.id, 0]]), 6)).toEqual([
        'healthy-3',
        'healthy-4',
        'healthy-5',
      ]);
    });

    it('claims nothing when nothing is due', async () => {
      expect(
        await claimDispatchBatch(knexOf(store), 'w1', 10, LEASE, T, 5),
      ).toMatchObject({ rows: [] });
    });
  },
);

describe.each(postgresIds(databases))(
  'the prepared claim on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });

    /** Every plan node of a plan tree. */
    const nodes = (plan: any): any[] => [
      plan,
      ...(plan.Plans ?? []).flatMap(nodes),
    ];

    it('plans it once for all calls through the pending rows only, however many delivered rows are kept', async () => {
      const integration = await givenIntegration(store);
      const incident = await givenIncident(store);
      await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
      );
      await knexOf(store).raw(
        `INSERT INTO outbox (integration_id, incident_id, operation, payload, state, next_attempt_at, created_at, delivered_at)
       SELECT ?, ?, 'sync', '{}', 'delivered', 0, 0, 1 FROM generate_series(1, 20000)`,
        [integration.id, incident.id],
      );
      await store.outbox.enqueue([row(integration.id, incident.id, 'due')], T);
      await knexOf(store).raw('ANALYZE outbox');

      const plan = await knexOf(store).transaction(async tx => {
        // The plan a prepared statement keeps once Postgres settles on its generic plan.
        // Arrays written as Postgres array literals (no integration kept out or limited).
        const bindings = [
          T,
          T,
          T,
          '{}',
          10,
          '{}',
          '{}',
          10,
          'w1',
          T + LEASE,
          T,
          5,
        ];
        await tx.raw(
          `PREPARE claim_probe AS ${tx.raw(CLAIM_AND_READ, bindings).toSQL().toNative().sql}`,
        );
        await tx.raw('SET LOCAL plan_cache_mode = force_generic_plan');
        // EXECUTE takes no bound parameters: the same values, written out.
        const values = bindings
          .map(v => (typeof v === 'string' ? `'${v}'` : v))
          .join(', ');
        const explained = await tx.raw(
          `EXPLAIN (FORMAT JSON) EXECUTE claim_probe(${values})`,
        );
        await tx.raw('DEALLOCATE claim_probe');
        return explained.rows[0]['QUERY PLAN'][0].Plan;
      });

      const outboxScans = nodes(plan).filter(
        n => n['Relation Name'] === 'outbox',
      );
      expect(outboxScans.length).toBeGreaterThan(0);
      // No walk of the whole table, nor of its primary key through the delivered rows.
      expect(outboxScans.filter(n => n['Node Type'] === 'Seq Scan')).toEqual(
        [],
      );
      expect(outboxScans.find(n => n.Alias === 'o')).toMatchObject({
        'Index Name': 'outbox_pending_by_id',
      });
      expect(
        (
          await claimDispatchBatch(knexOf(store), 'w1', 10, LEASE, T, 5)
        ).rows.map(r => r.payload.changes?.title),
      ).toEqual(['due']);
    });
  },
);
