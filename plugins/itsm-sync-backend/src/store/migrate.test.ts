import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createStoreTestDatabases } from './__testUtils__/storeTestDatabases';
import { applyDatabaseMigrations } from './migrate';

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %s', databaseId => {
  it('create every table, run again as a no-op, and roll back cleanly', async () => {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await applyDatabaseMigrations(knex);
    for (const table of [
      'integrations',
      'field_ownership',
      'incidents',
      'incident_timeline',
      'links',
      'outbox',
      'dlq',
      'conflicts',
      'webhook_deliveries',
      'reconcile_runs',
      'reconcile_schedules',
      'integration_metrics',
      'integration_notices',
    ]) {
      expect([table, await knex.schema.hasTable(table)]).toEqual([table, true]);
    }
    await knex.migrate.rollback(
      {
        directory: resolvePackagePath(
          '@itsm-sync-hub/plugin-itsm-sync-backend',
          'migrations',
        ),
        tableName: 'itsm_sync__knex_migrations',
      },
      true,
    );
    expect(await knex.schema.hasTable('outbox')).toBe(false);
    expect(await knex.schema.hasTable('integrations')).toBe(false);
  });

  it('count conflicts that exist before the event feed as announced, so an upgrade sends nothing old', async () => {
    const knex = await databases.init(databaseId);
    const migrations = {
      directory: resolvePackagePath(
        '@itsm-sync-hub/plugin-itsm-sync-backend',
        'migrations',
      ),
      tableName: 'itsm_sync__knex_migrations',
    };
    // Up to the migration before the feed's.
    for (;;) {
      const [, pending] = (await knex.migrate.list(migrations)) as [
        unknown,
        Array<{ file: string }>,
      ];
      if (pending[0].file.startsWith('20261206030000')) break;
      await knex.migrate.up(migrations);
    }
    await knex('integrations').insert({
      id: 'i-1',
      name: 'old',
      organization_id: 'acme',
      integration_type: 'servicenow',
      base_url: 'https://example.invalid',
      sync_direction: 'bidirectional',
      enabled: true,
      conflict_strategy: 'manual-review',
      conflict_window_seconds: 5,
      backoff_multiplier: 1,
      settings: '{}',
      secrets_ciphertext: 'v1.sealed',
      credential_keys: '[]',
      webhook_secret_count: 0,
      created_at: 1,
      updated_at: 1,
    });
    await knex('incidents').insert({
      id: 'inc-1',
      title: 't',
      description: '',
      severity: 'SEV-2',
      status: 'open',
      version: 1,
      field_changes: '{}',
      created_at: 1,
      updated_at: 1,
    });
    await knex('conflicts').insert({
      id: 'c-1',
      integration_id: 'i-1',
      incident_id: 'inc-1',
      field: 'status',
      platform_value: '"open"',
      platform_changed_at: 1,
      external_value: '"resolved"',
      external_changed_at: 1,
      status: 'pending',
      created_at: 42,
    });
    await applyDatabaseMigrations(knex);
    const row = await knex('conflicts').where({ id: 'c-1' }).first();
    expect(Number(row.announced_at)).toBe(42);
  });
});
