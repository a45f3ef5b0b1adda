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
});
