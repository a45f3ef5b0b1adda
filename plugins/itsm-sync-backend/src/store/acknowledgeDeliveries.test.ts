import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import { acknowledgeDeliveries } from './acknowledgeDeliveries';
import { LinkRepository } from './LinkRepository';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();
const T = 1_000_000;
const LEASE = 60_000;

describe.each(databases.eachSupportedId())(
  'acknowledgeDeliveries on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('acknowledges only the deliveries whose lease is still held, with their followers, links and counters', async () => {
      const integration = await givenIntegration(store);
      const [a, b, c] = [
        await givenIncident(store),
        await givenIncident(store),
        await givenIncident(store),
      ];
      for (const incident of [a, b, c])
        await LinkRepository.ensure(
          knexOf(store),
          incident.id,
          integration.id,
          T,
        );
      await store.links.setStateFor(c.id, integration.id, 'conflict', null);
      // Values known to be on a's ticket from before: the delivery adds to them, field by field.
      const linkA = (await store.links.get(a.id, integration.id))!;
      await store.links.rememberExternalValues(linkA.id, {
        severity: 'SEV-2',
        title: 'older',
      });
      const sync = (incidentId: string, title: string) => ({
        integration_id: integration.id,
        incident_id: incidentId,
        operation: 'sync' as const,
        payload: { changes: { title } },
      });
      await store.outbox.enqueue(
        [
          sync(a.id, 'a1'),
          sync(a.id, 'a2'),
          sync(b.id, 'b1'),
          sync(b.id, 'b2'),
          sync(c.id, 'c1'),
        ],
        T,
      );
      const heads = await store.outbox.claim('w1', 10, LEASE, T);
      const [headA, headB, headC] = heads;
      const followerA = (await store.outbox.listFor(integration.id, a.id))[1];
      const followerB = (await store.outbox.listFor(integration.id, b.id))[1];
      // w1 kept a's and c's leases alive; b's ran out and another worker took it over.
      await store.outbox.heartbeat(
        'w1',
        [headA.id, headC.id],
        LEASE,
        T + LEASE,
      );
      expect(
        (await store.outbox.claim('w2', 10, LEASE, T + LEASE + 1)).map(
          r => r.id,
        ),
      ).toEqual([headB.id]);

      const acked = await acknowledgeDeliveries(
        knexOf(store),
        'w1',
        [
          {
            rowIds: [headA.id, followerA.id],
            integrationId: integration.id,
            incidentId: a.id,
            external: { id: 'sys-a', key: 'INC1' },
            written: { title: 'a2' },
          },
          {
            rowIds: [headB.id, followerB.id],
            integrationId: integration.id,
            incidentId: b.id,
            written: { title: 'b1' },
          },
          {
            rowIds: [headC.id],
            integrationId: integration.id,
            incidentId: c.id,
            written: { title: 'c1' },
          },
        ],
        T + 5,
      );

      expect(acked).toEqual([true, false, true]);
      expect(
        (await store.outbox.listFor(integration.id)).map(r => [
          r.payload.changes?.title,
          r.state,
        ]),
      ).toEqual([
        ['a1', 'delivered'],
        ['a2', 'delivered'],
        ['b1', 'pending'],
        // Behind a head whose lease was lost, a follower stays for the new owner.
        ['b2', 'pending'],
        ['c1', 'delivered'],
      ]);
      expect(await store.links.get(a.id, integration.id)).toMatchObject({
        external_id: 'sys-a',
        external_key: 'INC1',
        sync_state: 'in_sync',
        last_synced_at: T + 5,
        last_written: { severity: 'SEV-2', title: 'a2' },
      });
      expect(await store.links.get(b.id, integration.id)).toMatchObject({
        external_id: null,
        last_synced_at: null,
        last_written: {},
      });
      // A conflict waiting for review outlives a delivery of another field.
      expect(await store.links.get(c.id, integration.id)).toMatchObject({
        sync_state: 'conflict',
        last_written: { title: 'c1' },
      });
      expect((await store.metrics.read(integration.id)).outbound_success).toBe(
        2,
      );
    });
  },
);
