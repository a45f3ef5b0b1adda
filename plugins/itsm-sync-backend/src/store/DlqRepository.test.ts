import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import type { SyncStore } from './SyncStore';
import { LinkRepository } from './LinkRepository';

const databases = createStoreTestDatabases();
const T = 1_000_000;
const LEASE = 60_000;

describe.each(databases.eachSupportedId())(
  'DlqRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    /** One ticket with three queued changes; the head has failed for good. */
    async function failedHead() {
      const integration = await givenIntegration(store);
      const incident = await givenIncident(store);
      await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
      );
      const queued = ['first', 'second', 'third'].map(title => ({
        integration_id: integration.id,
        incident_id: incident.id,
        operation: 'sync' as const,
        payload: { changes: { title } },
      }));
      await store.outbox.enqueue(queued, T);
      const [head] = await store.outbox.claim('w1', 10, LEASE, T);
      const entryId = await store.dlq.deadLetter(
        head,
        {
          attempts: 5,
          error: 'HTTP 400: invalid priority',
          status: 400,
          vendorBody: '{"error":"invalid priority","detail":"P9"}',
        },
        T + 1,
      );
      return { integration, incident, head, entryId };
    }

    it('moves a row to the DLQ: the outbox row is dead, the entry keeps the failure, the link says failed', async () => {
      const { integration, incident, head, entryId } = await failedHead();
      expect(await store.outbox.get(head.id)).toMatchObject({
        state: 'dead',
        attempts: 5,
        last_status: 400,
        lease_owner: null,
      });
      expect(await store.dlq.get(integration.id, entryId)).toEqual({
        id: entryId,
        integration_id: integration.id,
        incident_id: incident.id,
        operation: 'sync',
        payload: { changes: { title: 'first' } },
        attempts: 5,
        last_error: 'HTTP 400: invalid priority',
        last_status: 400,
        vendor_body: '{"error":"invalid priority","detail":"P9"}',
        state: 'failed',
        created_at: new Date(T + 1).toISOString(),
      });
      expect(await store.dlq.size(integration.id)).toBe(1);
      expect(await store.links.get(incident.id, integration.id)).toMatchObject({
        sync_state: 'failed',
        last_error: 'HTTP 400: invalid priority',
      });
      // The ticket's queue moves on behind the dead row.
      const [next] = await store.outbox.claim('w1', 10, LEASE, T + 2);
      expect(next.payload.changes?.title).toBe('second');
    });

    it('retries an entry at the end of its ticket queue', async () => {
      const { integration, incident, entryId } = await failedHead();
      expect(await store.dlq.retry(integration.id, entryId, T + 10)).toBe(true);

      const pending = (
        await store.outbox.listFor(integration.id, incident.id)
      ).filter(r => r.state === 'pending');
      expect(pending.map(r => r.payload.changes?.title)).toEqual([
        'second',
        'third',
        'first',
      ]);
      expect(pending[2]).toMatchObject({
        attempts: 0,
        next_attempt_at: T + 10,
      });
      expect(await store.dlq.list(integration.id)).toEqual([]);
      expect(
        (await store.dlq.list(integration.id, 'retried')).map(e => e.id),
      ).toEqual([entryId]);
      expect(await store.links.get(incident.id, integration.id)).toMatchObject({
        sync_state: 'pending',
      });

      const delivered: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [row] = await store.outbox.claim('w1', 10, LEASE, T + 20 + i);
        delivered.push(row.payload.changes!.title!);
        await store.outbox.markDelivered('w1', [row.id], T + 20 + i);
      }
      expect(delivered).toEqual(['second', 'third', 'first']);
    });

    it('retries and discards an entry once only', async () => {
      const { integration, entryId } = await failedHead();
      expect(await store.dlq.retry(integration.id, entryId, T + 10)).toBe(true);
      expect(await store.dlq.retry(integration.id, entryId, T + 11)).toBe(
        false,
      );
      expect(await store.dlq.discard(integration.id, entryId, T + 12)).toBe(
        false,
      );
      expect(await store.outbox.pendingCount(integration.id)).toBe(3);
    });

    it('discards an entry without touching the outbox', async () => {
      const { integration, entryId } = await failedHead();
      expect(await store.dlq.discard(integration.id, entryId, T + 10)).toBe(
        true,
      );
      expect(await store.dlq.discard(integration.id, entryId, T + 11)).toBe(
        false,
      );
      expect(await store.dlq.retry(integration.id, entryId, T + 12)).toBe(
        false,
      );
      expect(await store.dlq.get(integration.id, entryId)).toMatchObject({
        state: 'discarded',
      });
      expect(await store.dlq.size(integration.id)).toBe(0);
      expect(await store.outbox.pendingCount(integration.id)).toBe(2);
    });

    it("does not find another integration's entry", async () => {
      const { entryId } = await failedHead();
      const other = await givenIntegration(store);
      expect(await store.dlq.get(other.id, entryId)).toBeUndefined();
      expect(await store.dlq.retry(other.id, entryId, T)).toBe(false);
      expect(await store.dlq.discard(other.id, entryId, T)).toBe(false);
    });
  },
);
