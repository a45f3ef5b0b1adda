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
  'RoutingRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it("keeps one integration's rules in order and replaces them as a whole", async () => {
      const integration = await givenIntegration(store);
      expect(await store.routing.get(integration.id)).toBeUndefined();
      await store.routing.put(
        integration.id,
        {
          rules: [
            {
              name: 'skip sev4',
              when: { severity: ['SEV-4'] },
              action: 'skip',
            },
            {
              name: 'payments',
              when: { system: ['system:default/payments'] },
              action: 'route',
            },
          ],
          default: 'route',
        },
        T,
      );
      expect(await store.routing.get(integration.id)).toEqual({
        integration_id: integration.id,
        rules: [
          { name: 'skip sev4', when: { severity: ['SEV-4'] }, action: 'skip' },
          {
            name: 'payments',
            when: { system: ['system:default/payments'] },
            action: 'route',
          },
        ],
        default: 'route',
        updated_at: T,
      });
      await store.routing.put(
        integration.id,
        { rules: [], default: 'skip' },
        T + 1,
      );
      expect(await store.routing.list()).toEqual([
        {
          integration_id: integration.id,
          rules: [],
          default: 'skip',
          updated_at: T + 1,
        },
      ]);
    });

    it("forgets an integration's rules with the integration", async () => {
      const integration = await givenIntegration(store);
      await store.routing.put(
        integration.id,
        { rules: [], default: 'route' },
        T,
      );
      await knexOf(store)('integrations')
        .where({ id: integration.id })
        .delete();
      expect(await store.routing.list()).toEqual([]);
    });

    it("stores an incident's type at creation and through batched changes", async () => {
      const incident = await givenIncident(store, {
        incident_type: 'database',
      });
      expect((await store.incidents.get(incident.id))!.incident_type).toBe(
        'database',
      );
      const [result] = await store.incidents.updateMany(
        [
          {
            id: incident.id,
            changes: { incident_type: 'network' },
            source: 'platform',
            plan: () => [],
          },
        ],
        { now: T + 5 },
      );
      expect(result!.incident.incident_type).toBe('network');
      expect(result!.incident.version).toBe(incident.version + 1);
      expect((await store.incidents.get(incident.id))!.incident_type).toBe(
        'network',
      );
    });
  },
);
