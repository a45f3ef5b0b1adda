import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  createStoreTestDatabases,
  emptyTables,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import { deliveryKey } from './DeliveryRepository';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();
const T = 1_000_000;

function change(eventId: string, externalId = 'INC001'): NormalizedChange {
  return {
    eventId,
    externalId,
    kind: 'updated',
    fields: { status: 'resolved' },
    occurredAt: '2026-11-24T10:00:00Z',
  };
}

describe.each(databases.eachSupportedId())(
  'DeliveryRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('accepts an event once per integration and recognises the redelivery', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store);
      expect(await store.deliveries.accept(one.id, change('evt-1'), T)).toBe(
        true,
      );
      expect(
        await store.deliveries.accept(one.id, change('evt-1'), T + 1),
      ).toBe(false);
      // The same vendor event id on another integration is another delivery.
      expect(await store.deliveries.accept(two.id, change('evt-1'), T)).toBe(
        true,
      );
      expect(await store.deliveries.count(one.id)).toBe(1);
      expect(await store.deliveries.count(two.id, 'accepted')).toBe(1);
    });

    it('accepts many changes in one insert, telling new ones from redeliveries and repeats within the list', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store);
      await store.deliveries.accept(one.id, change('seen'), T);
      const long = `${'y'.repeat(300)}-z`;
      const inserted = await store.deliveries.acceptMany(
        [
          { integrationId: one.id, change: change('seen') },
          { integrationId: one.id, change: change('new') },
          { integrationId: one.id, change: change('new') },
          { integrationId: two.id, change: change('new') },
          { integrationId: one.id, change: change(long) },
        ],
        T + 1,
      );
      expect([...inserted].sort()).toEqual(
        [
          deliveryKey(one.id, 'new'),
          deliveryKey(two.id, 'new'),
          deliveryKey(one.id, long),
        ].sort(),
      );
      expect(await store.deliveries.count(one.id, 'accepted')).toBe(3);
    });

    it('accepts more changes than one statement may bind parameters for', async () => {
      const integration = await givenIntegration(store);
      const many = Array.from({ length: 400 }, (_, i) => ({
        integrationId: integration.id,
        change: change(`bulk-${i}`),
      }));
      expect((await store.deliveries.acceptMany(many, T)).size).toBe(400);
      expect(await store.deliveries.count(integration.id)).toBe(400);
    });

    it('settles many deliveries of several integrations with their outcome, releasing leases', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store);
      for (const id of ['a', 'b', 'c'])
        await store.deliveries.accept(one.id, change(id), T);
      await store.deliveries.accept(two.id, change('a'), T);
      expect(
        await store.deliveries.claimStale('w1', T + 1, 10, 60_000, T + 1),
      ).toHaveLength(4);
      await store.deliveries.settleMany(
        'applied',
        [
          { integrationId: one.id, eventId: 'a' },
          { integrationId: two.id, eventId: 'a' },
        ],
        T + 2,
      );
      await store.deliveries.settleMany(
        'ignored',
        [{ integrationId: one.id, eventId: 'b' }],
        T + 2,
      );
      expect(await store.deliveries.count(one.id, 'applied')).toBe(1);
      expect(await store.deliveries.count(two.id, 'applied')).toBe(1);
      expect(await store.deliveries.count(one.id, 'ignored')).toBe(1);
      const left = await knexOf(store)('webhook_deliveries')
        .where({ status: 'applied' })
        .select('lease_owner', 'processed_at');
      expect(left.map(r => [r.lease_owner, Number(r.processed_at)])).toEqual([
        [null, T + 2],
        [null, T + 2],
      ]);
      expect(await store.deliveries.count(one.id, 'accepted')).toBe(1);
    });

    it('tells apart long event ids that share their first 300 characters', async () => {
      const integration = await givenIntegration(store);
      const prefix = 'x'.repeat(300);
      expect(
        await store.deliveries.accept(integration.id, change(`${prefix}-a`), T),
      ).toBe(true);
      expect(
        await store.deliveries.accept(integration.id, change(`${prefix}-b`), T),
      ).toBe(true);
      expect(
        await store.deliveries.accept(integration.id, change(`${prefix}-a`), T),
      ).toBe(false);
      await store.deliveries.finish(
        integration.id,
        `${prefix}-a`,
        'applied',
        T + 1,
      );
      expect(await store.deliveries.count(integration.id, 'applied')).toBe(1);
    });

    it('finishes a delivery with its outcome, so it is no longer stale', async () => {
      const integration = await givenIntegration(store);
      await store.deliveries.accept(integration.id, change('evt-1'), T);
      await store.deliveries.finish(
        integration.id,
        'evt-1',
        'failed',
        T + 5,
        'no link for INC001',
      );
      expect(await store.deliveries.count(integration.id, 'failed')).toBe(1);
      expect(
        await store.deliveries.claimStale(
          'w1',
          T + 10_000,
          10,
          60_000,
          T + 10_000,
        ),
      ).toEqual([]);
    });

    it('prunes settled deliveries received before the cut-off, a batch at a time, and keeps those still to apply or failed', async () => {
      const integration = await givenIntegration(store);
      for (const id of [
        'old-applied',
        'old-ignored',
        'old-accepted',
        'old-failed',
      ])
        await store.deliveries.accept(integration.id, change(id), T);
      await store.deliveries.accept(
        integration.id,
        change('new-applied'),
        T + 10,
      );
      await store.deliveries.finish(
        integration.id,
        'old-applied',
        'applied',
        T + 1,
      );
      await store.deliveries.finish(
        integration.id,
        'old-ignored',
        'ignored',
        T + 1,
      );
      await store.deliveries.finish(
        integration.id,
        'old-failed',
        'failed',
        T + 1,
        'boom',
      );
      await store.deliveries.finish(
        integration.id,
        'new-applied',
        'applied',
        T + 11,
      );

      expect(await store.deliveries.pruneSettled(T + 5, 1)).toBe(1);
      expect(await store.deliveries.pruneSettled(T + 5, 1)).toBe(1);
      expect(await store.deliveries.pruneSettled(T + 5, 1)).toBe(0);
      const left = await knexOf(store)('webhook_deliveries').pluck('event_id');
      expect(left.sort()).toEqual([
        'new-applied',
        'old-accepted',
        'old-failed',
      ]);
    });

    it('claims stale accepted deliveries oldest first, with the stored change', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store);
      await store.deliveries.accept(two.id, change('late'), T + 100);
      await store.deliveries.accept(one.id, change('early', 'INC9'), T);
      await store.deliveries.accept(one.id, change('fresh'), T + 5_000);

      const claimed = await store.deliveries.claimStale(
        'w1',
        T + 1_000,
        10,
        60_000,
        T + 6_000,
      );
      expect(claimed.map(d => [d.integration_id, d.event_id])).toEqual([
        [one.id, 'early'],
        [two.id, 'late'],
      ]);
      expect(claimed[0]).toMatchObject({
        status: 'accepted',
        attempts: 0,
        received_at: T,
        change: change('early', 'INC9'),
      });
    });

    it('does not hand a claimed delivery out again until its lease expires', async () => {
      const integration = await givenIntegration(store);
      await store.deliveries.accept(integration.id, change('evt-1'), T);
      expect(
        await store.deliveries.claimStale('w1', T + 1, 10, 60_000, T + 10),
      ).toHaveLength(1);
      expect(
        await store.deliveries.claimStale('w2', T + 1, 10, 60_000, T + 20),
      ).toEqual([]);
      expect(
        await store.deliveries.claimStale('w2', T + 1, 10, 60_000, T + 60_011),
      ).toHaveLength(1);
    });

    it('claims by the (integration, event) pair, also for event ids holding the old separator', async () => {
      const integration = await givenIntegration(store);
      await store.deliveries.accept(integration.id, change('b|c'), T);
      await store.deliveries.accept(integration.id, change('c'), T + 1);
      const first = await store.deliveries.claimStale(
        'w1',
        T + 10,
        1,
        60_000,
        T + 10,
      );
      expect(first.map(d => d.event_id)).toEqual(['b|c']);
      const second = await store.deliveries.claimStale(
        'w2',
        T + 10,
        1,
        60_000,
        T + 10,
      );
      expect(second.map(d => d.event_id)).toEqual(['c']);
    });

    it('honours the limit and counts a failed attempt, releasing the lease', async () => {
      const integration = await givenIntegration(store);
      for (const id of ['e1', 'e2', 'e3'])
        await store.deliveries.accept(integration.id, change(id), T);
      const claimed = await store.deliveries.claimStale(
        'w1',
        T + 1,
        2,
        60_000,
        T + 1,
      );
      expect(claimed).toHaveLength(2);
      await store.deliveries.recordAttempt(
        integration.id,
        claimed[0].event_id,
        'database busy',
      );
      const again = await store.deliveries.claimStale(
        'w2',
        T + 1,
        10,
        60_000,
        T + 2,
      );
      const unclaimed = ['e1', 'e2', 'e3'].find(
        e => !claimed.some(c => c.event_id === e),
      )!;
      // The released one comes back with its attempt counted; the one still leased does not.
      expect(again.map(d => [d.event_id, d.attempts]).sort()).toEqual(
        [
          [claimed[0].event_id, 1],
          [unclaimed, 0],
        ].sort(),
      );
    });

    it('never gives one delivery to two concurrent claimers', async () => {
      const integration = await givenIntegration(store);
      for (let i = 0; i < 10; i++)
        await store.deliveries.accept(integration.id, change(`e${i}`), T);
      const batches = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.deliveries.claimStale(`w${i}`, T + 1, 3, 60_000, T + 1),
        ),
      );
      const ids = batches.flat().map(d => d.event_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(10);
    });
  },
);
