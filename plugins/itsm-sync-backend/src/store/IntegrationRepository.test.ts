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
import { LinkRepository } from './LinkRepository';

const databases = createStoreTestDatabases();
const T = 1_000_000;

describe.each(databases.eachSupportedId())(
  'IntegrationRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('names the integration of a type an organization already has, leaving out the one being edited', async () => {
      const hook = await givenIntegration(store, {
        name: 'acme-itsm',
        integration_type: 'itsm-webhook',
      });
      await givenIntegration(store, { integration_type: 'servicenow' });
      const repo = store.integrations;
      expect(
        await repo.nameOfTypeInOrganization('itsm-webhook', 'acme-corp'),
      ).toBe('acme-itsm');
      expect(
        await repo.nameOfTypeInOrganization('itsm-webhook', 'other-org'),
      ).toBeUndefined();
      expect(
        await repo.nameOfTypeInOrganization(
          'itsm-webhook',
          'acme-corp',
          hook.id,
        ),
      ).toBeUndefined();
      expect(
        await repo.nameOfTypeInOrganization('jira', 'acme-corp'),
      ).toBeUndefined();
    });

    it('creates an integration with its rules and reads it back with the same types', async () => {
      const created = await givenIntegration(
        store,
        {
          name: 'prod-snow',
          rate_limit: 100,
          backoff_multiplier: 0.1,
          settings: { instance: 'acme' },
          enabled: false,
        },
        [
          { field: 'title', owner: 'platform', priority: 10 },
          { field: 'assigned_to', owner: 'external', priority: 5 },
        ],
        T,
      );
      expect(created).toMatchObject({
        name: 'prod-snow',
        enabled: false,
        rate_limit: 100,
        backoff_multiplier: 0.1,
        conflict_window_seconds: 5,
        settings: { instance: 'acme' },
        credential_keys: ['username', 'password'],
        not_before: null,
        created_at: T,
        updated_at: T,
      });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await store.integrations.rules(created.id)).toEqual([
        { field: 'assigned_to', owner: 'external', priority: 5 },
        { field: 'title', owner: 'platform', priority: 10 },
      ]);
    });

    it('reads several integrations with their rules in one query, an integration without rules included', async () => {
      const rules = [
        { field: 'status', owner: 'external' as const, priority: 3 },
        { field: 'assigned_to', owner: 'platform' as const, priority: 1 },
      ];
      const withRules = await givenIntegration(store, {}, rules);
      const without = await givenIntegration(store);
      const entries = await store.integrations.getManyWithRules([
        without.id,
        withRules.id,
        withRules.id,
      ]);
      const byId = new Map(entries.map(e => [e.integration.id, e]));
      expect(entries).toHaveLength(2);
      expect(byId.get(withRules.id)).toEqual({
        integration: withRules,
        rules: await store.integrations.rules(withRules.id),
      });
      expect(byId.get(withRules.id)!.rules.map(r => r.field)).toEqual([
        'assigned_to',
        'status',
      ]);
      expect(byId.get(without.id)).toEqual({ integration: without, rules: [] });
      expect(await store.integrations.getManyWithRules([])).toEqual([]);
    });

    it('finds an integration by id (any case) or by name', async () => {
      const created = await givenIntegration(store, { name: 'prod-snow' });
      expect((await store.integrations.getByIdOrName(created.id))!.id).toBe(
        created.id,
      );
      expect(
        (await store.integrations.getByIdOrName(created.id.toUpperCase()))!.id,
      ).toBe(created.id);
      expect((await store.integrations.getByIdOrName('prod-snow'))!.id).toBe(
        created.id,
      );
      expect(
        await store.integrations.getByIdOrName('prod-jira'),
      ).toBeUndefined();
      expect(
        await store.integrations.getByIdOrName(
          '00000000-0000-4000-8000-000000000000',
        ),
      ).toBeUndefined();
    });

    it('finds an integration whose name looks like another id', async () => {
      const named = await givenIntegration(store, {
        name: '00000000-0000-4000-8000-000000000001',
      });
      expect(
        (await store.integrations.getByIdOrName(
          '00000000-0000-4000-8000-000000000001',
        ))!.id,
      ).toBe(named.id);
    });

    it('refuses a second integration with the same name and reports taken names', async () => {
      const first = await givenIntegration(store, { name: 'prod-snow' });
      await expectUniqueViolation(
        givenIntegration(store, { name: 'prod-snow' }),
      );
      expect(await store.integrations.nameTaken('prod-snow')).toBe(true);
      expect(await store.integrations.nameTaken('prod-snow', first.id)).toBe(
        false,
      );
      expect(await store.integrations.nameTaken('other')).toBe(false);
    });

    it('lists by name and updates fields', async () => {
      const b = await givenIntegration(store, { name: 'b' });
      await givenIntegration(store, { name: 'a' });
      expect((await store.integrations.list()).map(i => i.name)).toEqual([
        'a',
        'b',
      ]);
      const updated = await store.integrations.update(
        b.id,
        {
          sync_direction: 'outbound',
          settings: { x: 1 },
          credential_keys: ['token'],
        },
        T + 9,
      );
      expect(updated).toMatchObject({
        sync_direction: 'outbound',
        settings: { x: 1 },
        credential_keys: ['token'],
        updated_at: T + 9,
      });
    });

    it('puts, replaces and deletes ownership rules', async () => {
      const one = await givenIntegration(store);
      const two = await givenIntegration(store, {}, [
        { field: 'title', owner: 'external', priority: 1 },
      ]);
      await store.integrations.putRule(one.id, {
        field: 'severity',
        owner: 'platform',
        priority: 10,
      });
      await store.integrations.putRule(one.id, {
        field: 'severity',
        owner: 'external',
        priority: 3,
      });
      expect(await store.integrations.rules(one.id)).toEqual([
        { field: 'severity', owner: 'external', priority: 3 },
      ]);
      const all = await store.integrations.allRules();
      expect(all.get(one.id)).toEqual([
        { field: 'severity', owner: 'external', priority: 3 },
      ]);
      expect(all.get(two.id)).toEqual([
        { field: 'title', owner: 'external', priority: 1 },
      ]);
      expect(await store.integrations.deleteRule(one.id, 'severity')).toBe(
        true,
      );
      expect(await store.integrations.deleteRule(one.id, 'severity')).toBe(
        false,
      );
      expect(await store.integrations.rules(one.id)).toEqual([]);
    });

    it('only moves not_before forward', async () => {
      const integration = await givenIntegration(store);
      await store.integrations.setNotBefore(integration.id, T + 10_000);
      await store.integrations.setNotBefore(integration.id, T + 5_000);
      expect((await store.integrations.get(integration.id))!.not_before).toBe(
        T + 10_000,
      );
      await store.integrations.setNotBefore(integration.id, T + 20_000);
      expect((await store.integrations.get(integration.id))!.not_before).toBe(
        T + 20_000,
      );
    });

    it('deletes an integration with everything that refers to it, and keeps the incidents', async () => {
      const doomed = await givenIntegration(store, {}, [
        { field: 'title', owner: 'platform', priority: 1 },
      ]);
      const kept = await givenIntegration(store);
      const incident = await givenIncident(store);
      for (const integration of [doomed, kept]) {
        await LinkRepository.ensure(
          knexOf(store),
          incident.id,
          integration.id,
          T,
        );
        await store.outbox.enqueue(
          [
            {
              integration_id: integration.id,
              incident_id: incident.id,
              operation: 'sync',
              payload: {},
            },
          ],
          T,
        );
        await store.metrics.increment(integration.id, 'outbound_success');
        await store.conflicts.create(
          {
            integration_id: integration.id,
            incident_id: incident.id,
            field: 'title',
            platform_value: 'a',
            platform_changed_at: T,
            external_value: 'b',
            external_changed_at: T,
            status: 'pending',
          },
          T,
        );
        await store.deliveries.accept(
          integration.id,
          {
            eventId: 'e1',
            externalId: 'x',
            kind: 'updated',
            fields: {},
            occurredAt: '2026-01-01T00:00:00Z',
          },
          T,
        );
      }
      const [claimed] = await store.outbox.claim('w1', 1, 60_000, T);
      await store.dlq.deadLetter(
        claimed,
        { attempts: 5, error: 'x', status: 500 },
        T,
      );

      await store.integrations.delete(doomed.id);

      expect(await store.integrations.get(doomed.id)).toBeUndefined();
      // Every table that refers to integrations, including those added by later migrations.
      const tables = await tablesWithIntegrationId(store);
      expect(tables).toEqual(
        expect.arrayContaining([
          'links',
          'outbox',
          'dlq',
          'conflicts',
          'webhook_deliveries',
          'integration_metrics',
          'field_ownership',
        ]),
      );
      for (const table of tables) {
        expect([
          table,
          Number(
            (
              await knexOf(store)(table)
                .where({ integration_id: doomed.id })
                .count({ n: '*' })
            )[0].n,
          ),
        ]).toEqual([table, 0]);
      }
      expect(await store.incidents.get(incident.id)).toBeDefined();
      expect(await store.links.count(kept.id)).toBe(1);
      expect(await store.outbox.listFor(kept.id)).toHaveLength(1);
    });
  },
);

async function tablesWithIntegrationId(store: SyncStore): Promise<string[]> {
  const tables: string[] = [];
  if (knexOf(store).client.config.client === 'pg') {
    const result = await knexOf(store).raw(
      "select table_name from information_schema.columns where column_name = 'integration_id' and table_schema = current_schema()",
    );
    tables.push(
      ...result.rows.map((r: { table_name: string }) => r.table_name),
    );
  } else {
    const all = await knexOf(store).raw(
      "select name from sqlite_master where type = 'table'",
    );
    for (const { name } of all) {
      const columns = await knexOf(store).raw(
        `pragma table_info(${JSON.stringify(name)})`,
      );
      if (columns.some((c: { name: string }) => c.name === 'integration_id'))
        tables.push(name);
    }
  }
  return tables.sort();
}
