import {
  createStoreTestDatabases,
  emptyTables,
  expectUniqueViolation,
  givenIncident,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import type { SyncStore } from './SyncStore';
import { dedupKeyFor, LinkRepository } from './LinkRepository';

const databases = createStoreTestDatabases();
const T = 1_000_000;

describe('dedupKeyFor', () => {
  it('is stable and differs per incident and integration', () => {
    const a = dedupKeyFor(
      '11111111-2222-4333-8444-555555555555',
      'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    );
    expect(a).toBe(
      dedupKeyFor(
        '11111111-2222-4333-8444-555555555555',
        'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      ),
    );
    expect(a).not.toBe(
      dedupKeyFor(
        '11111111-2222-4333-8444-555555555556',
        'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      ),
    );
    expect(a).not.toBe(
      dedupKeyFor(
        '11111111-2222-4333-8444-555555555555',
        'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeef',
      ),
    );
    expect(a).toMatch(/^itsm-[0-9a-f]{32}-[0-9a-f]{32}$/);
  });
});

describe.each(databases.eachSupportedId())(
  'LinkRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    async function pair() {
      return {
        integration: await givenIntegration(store),
        incident: await givenIncident(store),
      };
    }

    it('ensures one link per (incident, integration)', async () => {
      const { integration, incident } = await pair();
      const first = await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
      );
      const again = await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T + 5,
        { id: 'other' },
      );
      expect(again).toEqual(first);
      expect(first).toMatchObject({
        external_id: null,
        sync_state: 'pending',
        last_written: {},
        dedup_key: dedupKeyFor(incident.id, integration.id),
      });
      expect(await store.links.count(integration.id)).toBe(1);
    });

    it('gives simultaneous callers the one link', async () => {
      const { integration, incident } = await pair();
      const links = await Promise.all(
        Array.from({ length: 5 }, () =>
          LinkRepository.ensure(knexOf(store), incident.id, integration.id, T),
        ),
      );
      expect(new Set(links.map(l => l.id)).size).toBe(1);
      expect(await store.links.count(integration.id)).toBe(1);
    });

    it('records a delivery: the ticket, what was written, in sync', async () => {
      const { integration, incident } = await pair();
      const link = await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
      );
      await store.links.setState(link.id, 'failed', 'HTTP 500');
      await store.links.recordDelivery(link.id, {
        external: { id: 'sys-1', key: 'INC0001', url: 'https://x/1' },
        written: { title: 'A', status: 'open' },
        now: T + 1,
      });
      await store.links.recordDelivery(link.id, {
        written: { status: 'resolved' },
        now: T + 2,
      });

      expect(await store.links.get(incident.id, integration.id)).toMatchObject({
        external_id: 'sys-1',
        external_key: 'INC0001',
        external_url: 'https://x/1',
        last_written: { title: 'A', status: 'resolved' },
        last_synced_at: T + 2,
        sync_state: 'in_sync',
        last_error: null,
      });
      expect(
        (await store.links.byExternalId(integration.id, 'sys-1'))!.id,
      ).toBe(link.id);
    });

    it('keeps the key and url when a later delivery names only the id', async () => {
      const { integration, incident } = await pair();
      const link = await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
        { id: 'sys-1', key: 'INC0001', url: 'https://x/1' },
      );
      expect(link.sync_state).toBe('in_sync');
      await store.links.recordDelivery(link.id, {
        external: { id: 'sys-1' },
        written: {},
        now: T + 1,
      });
      expect(await store.links.get(incident.id, integration.id)).toMatchObject({
        external_key: 'INC0001',
        external_url: 'https://x/1',
      });
    });

    it('remembers values seen on the ticket without touching sync state', async () => {
      const { integration, incident } = await pair();
      const link = await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
      );
      await store.links.recordDelivery(link.id, {
        written: { title: 'A' },
        now: T,
      });
      await store.links.setStateFor(
        incident.id,
        integration.id,
        'conflict',
        null,
      );
      await store.links.rememberExternalValues(link.id, {
        assigned_to: 'bob',
        title: 'B',
      });
      expect(await store.links.get(incident.id, integration.id)).toMatchObject({
        last_written: { title: 'B', assigned_to: 'bob' },
        sync_state: 'conflict',
      });
    });

    it('marks a retried delivery pending with its error, but keeps a conflict or a gone ticket in view', async () => {
      const { integration, incident } = await pair();
      await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
        { id: 'T-1' },
      );
      await store.links.markRetrying(incident.id, integration.id, 'HTTP 503');
      expect(await store.links.get(incident.id, integration.id)).toMatchObject({
        sync_state: 'pending',
        last_error: 'HTTP 503',
      });
      for (const kept of ['conflict', 'gone'] as const) {
        await store.links.setStateFor(incident.id, integration.id, kept, null);
        await store.links.markRetrying(incident.id, integration.id, 'timeout');
        expect(
          await store.links.get(incident.id, integration.id),
        ).toMatchObject({ sync_state: kept, last_error: 'timeout' });
      }
    });

    it('refuses a second link of one ticket to another incident', async () => {
      const { integration, incident } = await pair();
      const other = await givenIncident(store);
      await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
        { id: 'sys-1' },
      );
      await expectUniqueViolation(
        LinkRepository.ensure(knexOf(store), other.id, integration.id, T, {
          id: 'sys-1',
        }),
      );
      expect(
        (await store.links.forIntegration(integration.id)).map(
          l => l.incident_id,
        ),
      ).toEqual([incident.id]);
    });

    it('lists links by incident, by incidents, and pages them by integration', async () => {
      const integration = await givenIntegration(store);
      const incidents = [
        await givenIncident(store),
        await givenIncident(store),
        await givenIncident(store),
      ];
      for (const inc of incidents)
        await LinkRepository.ensure(knexOf(store), inc.id, integration.id, T);
      expect(
        (await store.links.forIncident(incidents[0].id)).map(
          l => l.integration_id,
        ),
      ).toEqual([integration.id]);
      expect(
        await store.links.forIncidents([incidents[0].id, incidents[1].id]),
      ).toHaveLength(2);
      expect(await store.links.forIncidents([])).toEqual([]);

      const firstPage = await store.links.forIntegration(integration.id, {
        limit: 2,
      });
      const secondPage = await store.links.forIntegration(integration.id, {
        limit: 2,
        afterId: firstPage[1].id,
      });
      expect(
        [...firstPage, ...secondPage].map(l => l.incident_id).sort(),
      ).toEqual(incidents.map(i => i.id).sort());
      expect(secondPage).toHaveLength(1);
    });

    it('records a manual sync time', async () => {
      const { integration, incident } = await pair();
      const link = await LinkRepository.ensure(
        knexOf(store),
        incident.id,
        integration.id,
        T,
      );
      await store.links.setManualSyncAt(link.id, T + 600_000);
      expect(
        (await store.links.get(incident.id, integration.id))!
          .last_manual_sync_at,
      ).toBe(T + 600_000);
    });
  },
);
