import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import type { SyncStore } from './SyncStore';

const databases = createStoreTestDatabases();
const T = 1_000_000;

describe.each(databases.eachSupportedId())(
  'ConflictRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    async function pending(
      overrides: {
        field?: string;
        platform_value?: unknown;
        external_value?: unknown;
      } = {},
      now = T,
    ) {
      const integration = await givenIntegration(store);
      const incident = await givenIncident(store);
      const id = await store.conflicts.create(
        {
          integration_id: integration.id,
          incident_id: incident.id,
          field: overrides.field ?? 'severity',
          platform_value:
            'platform_value' in overrides ? overrides.platform_value : 'SEV-1',
          platform_changed_at: now - 2_000,
          external_value:
            'external_value' in overrides ? overrides.external_value : 'SEV-3',
          external_changed_at: now - 1_000,
          status: 'pending',
        },
        now,
      );
      return { integration, incident, id };
    }

    it('keeps both values, both times, the field and the incident', async () => {
      const { integration, incident, id } = await pending({
        field: 'assigned_to',
        platform_value: null,
        external_value: 'bob',
      });
      expect(await store.conflicts.get(id)).toEqual({
        id,
        integration_id: integration.id,
        incident_id: incident.id,
        field: 'assigned_to',
        platform_value: null,
        platform_changed_at: T - 2_000,
        external_value: 'bob',
        external_changed_at: T - 1_000,
        status: 'pending',
        resolution: null,
        resolved_by: null,
        resolved_at: null,
        created_at: T,
      });
      expect(await store.conflicts.pendingCount(integration.id)).toBe(1);
      expect(
        (await store.conflicts.pendingForIncident(incident.id)).map(c => c.id),
      ).toEqual([id]);
    });

    it('records a conflict the strategy settled as resolved at once', async () => {
      const integration = await givenIntegration(store);
      const incident = await givenIncident(store);
      const id = await store.conflicts.create(
        {
          integration_id: integration.id,
          incident_id: incident.id,
          field: 'title',
          platform_value: 'a',
          platform_changed_at: T,
          external_value: 'b',
          external_changed_at: T,
          status: 'resolved',
          resolution: 'use-external',
          resolved_by: 'strategy:last-write-wins',
        },
        T + 1,
      );
      expect(await store.conflicts.get(id)).toMatchObject({
        status: 'resolved',
        resolution: 'use-external',
        resolved_by: 'strategy:last-write-wins',
        resolved_at: T + 1,
      });
      expect(await store.conflicts.pendingCount(integration.id)).toBe(0);
    });

    it('resolves a pending conflict once only, also when two people try at the same time', async () => {
      const { integration, id } = await pending();
      const outcomes = await Promise.all([
        store.conflicts.resolve(
          id,
          'use-platform',
          'user:default/alice',
          T + 1,
        ),
        store.conflicts.resolve(id, 'ignore', 'user:default/bob', T + 2),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(
        await store.conflicts.resolve(
          id,
          'use-external',
          'user:default/carol',
          T + 3,
        ),
      ).toBe(false);
      const resolved = await store.conflicts.get(id);
      expect(resolved!.status).toBe('resolved');
      expect(['user:default/alice', 'user:default/bob']).toContain(
        resolved!.resolved_by,
      );
      expect(await store.conflicts.pendingCount(integration.id)).toBe(0);
    });

    it('lists newest first, filtered by status, integration and incident', async () => {
      const a = await pending({}, T);
      const b = await pending({}, T + 10);
      await store.conflicts.resolve(
        a.id,
        'ignore',
        'user:default/alice',
        T + 20,
      );
      expect((await store.conflicts.list({})).map(c => c.id)).toEqual([
        b.id,
        a.id,
      ]);
      expect(
        (await store.conflicts.list({ status: 'pending' })).map(c => c.id),
      ).toEqual([b.id]);
      expect(
        (await store.conflicts.list({ integrationId: a.integration.id })).map(
          c => c.id,
        ),
      ).toEqual([a.id]);
      expect(
        (await store.conflicts.list({ incidentId: b.incident.id })).map(
          c => c.id,
        ),
      ).toEqual([b.id]);
    });

    it('returns undefined for an unknown conflict', async () => {
      expect(
        await store.conflicts.get('00000000-0000-4000-8000-000000000000'),
      ).toBeUndefined();
    });
  },
);
