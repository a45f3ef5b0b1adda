import { readDispatchBatch } from './DispatchBatchReads';
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

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const LEASE = 60_000;
const T = 1_000_000;

function row(
  integrationId: string,
  incidentId: string,
  title: string,
): OutboxInsert {
  return {
    integration_id: integrationId,
    incident_id: incidentId,
    operation: 'sync',
    payload: { changes: { title } },
  };
}

const titles = (rows: Array<{ payload: { changes?: { title?: string } } }>) =>
  rows.map(r => r.payload.changes?.title);

describe.each(databases.eachSupportedId())(
  'OutboxRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    async function twoTickets() {
      const integration = await givenIntegration(store);
      const a = await givenIncident(store);
      const b = await givenIncident(store);
      return { integration, a, b };
    }

    it('claims only the oldest pending row of each ticket, and different tickets together', async () => {
      const { integration, a, b } = await twoTickets();
      await store.outbox.enqueue(
        [
          row(integration.id, a.id, 'a1'),
          row(integration.id, a.id, 'a2'),
          row(integration.id, b.id, 'b1'),
        ],
        T,
      );
      await store.outbox.enqueue(
        [row(integration.id, a.id, 'a3'), row(integration.id, b.id, 'b2')],
        T,
      );

      const claimed = await store.outbox.claim('w1', 10, LEASE, T);
      expect(titles(claimed)).toEqual(['a1', 'b1']);
      expect(
        claimed.every(
          r => r.lease_owner === 'w1' && r.lease_expires_at === T + LEASE,
        ),
      ).toBe(true);
    });

    it('keeps order per ticket: the next row is claimable only once the head is delivered', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue(
        [
          row(integration.id, a.id, 'a1'),
          row(integration.id, a.id, 'a2'),
          row(integration.id, a.id, 'a3'),
        ],
        T,
      );

      const delivered: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [head] = await store.outbox.claim('w1', 10, LEASE, T + i);
        expect(await store.outbox.claim('w2', 10, LEASE, T + i)).toEqual([]);
        delivered.push(head.payload.changes!.title!);
        expect(await store.outbox.markDelivered('w1', [head.id], T + i)).toBe(
          true,
        );
      }
      expect(delivered).toEqual(['a1', 'a2', 'a3']);
      expect(await store.outbox.claim('w1', 10, LEASE, T + 10)).toEqual([]);
    });

    it('keeps one ticket per integration separate: the same incident on two integrations runs in parallel', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store);
      const incident = await givenIncident(store);
      await store.outbox.enqueue(
        [row(one.id, incident.id, 'x'), row(two.id, incident.id, 'y')],
        T,
      );
      expect(
        (await store.outbox.claim('w1', 10, LEASE, T))
          .map(r => r.integration_id)
          .sort(),
      ).toEqual([one.id, two.id].sort());
    });

    it('honours the limit, oldest first', async () => {
      const integration = await givenIntegration(store);
      const incidents = [
        await givenIncident(store),
        await givenIncident(store),
        await givenIncident(store),
      ];
      await store.outbox.enqueue(
        incidents.map((inc, i) => row(integration.id, inc.id, `t${i}`)),
        T,
      );
      expect(titles(await store.outbox.claim('w1', 2, LEASE, T))).toEqual([
        't0',
        't1',
      ]);
      expect(titles(await store.outbox.claim('w1', 2, LEASE, T))).toEqual([
        't2',
      ]);
    });

    it('does not claim a leased row again until its lease expires, then another worker takes it over', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue([row(integration.id, a.id, 'a1')], T);
      const [first] = await store.outbox.claim('w1', 10, LEASE, T);

      expect(await store.outbox.claim('w2', 10, LEASE, T + LEASE - 1)).toEqual(
        [],
      );
      expect(await store.outbox.claim('w2', 10, LEASE, T + LEASE)).toEqual([]);
      const [taken] = await store.outbox.claim('w2', 10, LEASE, T + LEASE + 1);
      expect(taken.id).toBe(first.id);
      expect(taken.lease_owner).toBe('w2');

      // The first worker lost the lease: its acknowledgement and reschedule change nothing.
      expect(
        await store.outbox.markDelivered('w1', [first.id], T + LEASE + 2),
      ).toBe(false);
      await store.outbox.reschedule('w1', first.id, {
        attempts: 1,
        nextAttemptAt: T + 999_999,
        error: 'late',
        status: 500,
      });
      const after = await store.outbox.get(first.id);
      expect(after).toMatchObject({
        state: 'pending',
        lease_owner: 'w2',
        attempts: 0,
        last_error: null,
      });
      expect(
        await store.outbox.markDelivered('w2', [first.id], T + LEASE + 3),
      ).toBe(true);
    });

    it('extends a lease on heartbeat, only for the owner', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue([row(integration.id, a.id, 'a1')], T);
      const [claimed] = await store.outbox.claim('w1', 10, LEASE, T);

      expect(
        await store.outbox.heartbeat('w2', [claimed.id], LEASE, T + 30_000),
      ).toBe(0);
      expect(
        await store.outbox.heartbeat('w1', [claimed.id], LEASE, T + 30_000),
      ).toBe(1);
      expect((await store.outbox.get(claimed.id))!.lease_expires_at).toBe(
        T + 30_000 + LEASE,
      );
      expect(await store.outbox.claim('w2', 10, LEASE, T + LEASE + 1)).toEqual(
        [],
      );
      expect(
        await store.outbox.claim('w2', 10, LEASE, T + 30_000 + LEASE + 1),
      ).toHaveLength(1);
      expect(await store.outbox.heartbeat('w1', [], LEASE, T)).toBe(0);
    });

    it("respects an integration's not_before and skips disabled integrations", async () => {
      const waiting = await givenIntegration(store);
      const disabled = await givenIntegration(store, { enabled: false });
      const incident = await givenIncident(store);
      await store.outbox.enqueue(
        [row(waiting.id, incident.id, 'w'), row(disabled.id, incident.id, 'd')],
        T,
      );
      await store.integrations.setNotBefore(waiting.id, T + 5_000);

      expect(await store.outbox.claim('w1', 10, LEASE, T)).toEqual([]);
      expect(await store.outbox.claim('w1', 10, LEASE, T + 4_999)).toEqual([]);
      expect(
        titles(await store.outbox.claim('w1', 10, LEASE, T + 5_000)),
      ).toEqual(['w']);

      await store.integrations.update(disabled.id, { enabled: true }, T);
      expect(
        titles(await store.outbox.claim('w1', 10, LEASE, T + 5_000)),
      ).toEqual(['d']);
    });

    it('reschedules a failed row: attempts and error kept, lease released, not claimable before its time', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue(
        [row(integration.id, a.id, 'a1'), row(integration.id, a.id, 'a2')],
        T,
      );
      const [head] = await store.outbox.claim('w1', 10, LEASE, T);
      await store.outbox.reschedule('w1', head.id, {
        attempts: 1,
        nextAttemptAt: T + 30_000,
        error: 'HTTP 500',
        status: 500,
      });

      expect(await store.outbox.get(head.id)).toMatchObject({
        state: 'pending',
        attempts: 1,
        next_attempt_at: T + 30_000,
        last_error: 'HTTP 500',
        last_status: 500,
        lease_owner: null,
        lease_expires_at: null,
      });
      // Neither the head (not due) nor the row behind it (order) goes out early.
      expect(await store.outbox.claim('w1', 10, LEASE, T + 29_999)).toEqual([]);
      expect(
        titles(await store.outbox.claim('w2', 10, LEASE, T + 30_000)),
      ).toEqual(['a1']);
    });

    it('marks a head and its coalesced followers delivered together', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue(
        [
          row(integration.id, a.id, 'a1'),
          row(integration.id, a.id, 'a2'),
          row(integration.id, a.id, 'a3'),
        ],
        T,
      );
      const [head] = await store.outbox.claim('w1', 10, LEASE, T);
      const followers = (
        await readDispatchBatch(knexOf(store), [head], 1)
      ).followers.get(head.id)!;
      expect(titles(followers)).toEqual(['a2']);
      expect(
        await store.outbox.markDelivered(
          'w1',
          [head.id, followers[0].id],
          T + 5,
        ),
      ).toBe(true);

      const rows = await store.outbox.listFor(integration.id, a.id);
      expect(
        rows.map(r => [r.payload.changes?.title, r.state, r.delivered_at]),
      ).toEqual([
        ['a1', 'delivered', T + 5],
        ['a2', 'delivered', T + 5],
        ['a3', 'pending', null],
      ]);
      expect(await store.outbox.pendingCount(integration.id)).toBe(1);
    });

    it('refuses an acknowledgement from a worker that never held the lease', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue([row(integration.id, a.id, 'a1')], T);
      const [head] = await store.outbox.claim('w1', 10, LEASE, T);
      expect(await store.outbox.markDelivered('intruder', [head.id], T)).toBe(
        false,
      );
      expect((await store.outbox.get(head.id))!.state).toBe('pending');
    });

    it('reports the next due time and prunes only old delivered rows', async () => {
      const { integration, a, b } = await twoTickets();
      expect(await store.outbox.nextDueAt()).toBeUndefined();
      await store.outbox.enqueue([row(integration.id, a.id, 'old')], T);
      await store.outbox.enqueue([row(integration.id, b.id, 'new')], T + 10);
      expect(await store.outbox.nextDueAt()).toBe(T);

      const claimed = await store.outbox.claim('w1', 10, LEASE, T + 10);
      await store.outbox.markDelivered('w1', [claimed[0].id], T + 100);
      await store.outbox.markDelivered('w1', [claimed[1].id], T + 200);
      expect(await store.outbox.nextDueAt()).toBeUndefined();

      expect(await store.outbox.pruneDelivered(T + 150)).toBe(1);
      expect(titles(await store.outbox.listFor(integration.id))).toEqual([
        'new',
      ]);
    });

    it('keeps the trace context of a row', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue(
        [
          {
            ...row(integration.id, a.id, 'a1'),
            trace_context: { traceparent: '00-abc-def-01' },
          },
        ],
        T,
      );
      const [claimed] = await store.outbox.claim('w1', 1, LEASE, T);
      expect(claimed.trace_context).toEqual({ traceparent: '00-abc-def-01' });
    });

    it('claims with a single UPDATE ... RETURNING statement, locking SKIP LOCKED on Postgres only', async () => {
      const { integration, a } = await twoTickets();
      await store.outbox.enqueue([row(integration.id, a.id, 'a1')], T);
      const statements: string[] = [];
      const record = (query: { sql: string }) => statements.push(query.sql);
      knexOf(store).on('query', record);
      try {
        expect(await store.outbox.claim('w1', 10, LEASE, T)).toHaveLength(1);
      } finally {
        knexOf(store).removeListener('query', record);
      }
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^with .+ update .+ returning/is);
      expect(/skip locked/i.test(statements[0])).toBe(
        databaseId.startsWith('POSTGRES'),
      );
    });

    it('never hands one row to two concurrent claimers', async () => {
      const integration = await givenIntegration(store);
      const incidents = await Promise.all(
        Array.from({ length: 12 }, () => givenIncident(store)),
      );
      await store.outbox.enqueue(
        incidents.flatMap(inc => [
          row(integration.id, inc.id, `${inc.id}-1`),
          row(integration.id, inc.id, `${inc.id}-2`),
        ]),
        T,
      );
      const batches = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.outbox.claim(`w${i}`, 4, LEASE, T),
        ),
      );
      const ids = batches.flat().map(r => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      // Only heads were handed out, each ticket at most once.
      const tickets = batches.flat().map(r => r.incident_id);
      expect(new Set(tickets).size).toBe(tickets.length);
      expect(
        batches.flat().every(r => r.payload.changes!.title!.endsWith('-1')),
      ).toBe(true);
      expect(ids.length).toBe(12);
    });
  },
);

describe.each(postgresIds(databases))(
  'OutboxRepository claims on %s with row locks',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });

    it('skips a row another transaction holds locked instead of waiting for it', async () => {
      const integration = await givenIntegration(store);
      const locked = await givenIncident(store);
      const free = await givenIncident(store);
      await store.outbox.enqueue(
        [
          row(integration.id, locked.id, 'locked'),
          row(integration.id, free.id, 'free'),
        ],
        T,
      );
      const lockedRow = (
        await store.outbox.listFor(integration.id, locked.id)
      )[0];

      const tx = await knexOf(store).transaction();
      try {
        await tx('outbox').where({ id: lockedRow.id }).forUpdate().first();
        const started = Date.now();
        const claimed = await store.outbox.claim('w1', 10, LEASE, T);
        expect(titles(claimed)).toEqual(['free']);
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await tx.rollback();
      }
      expect(titles(await store.outbox.claim('w2', 10, LEASE, T))).toEqual([
        'locked',
      ]);
    });
  },
);
