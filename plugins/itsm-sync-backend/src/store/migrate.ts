import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@itsm-sync-hub/plugin-itsm-sync-backend',
  'migrations',
);

/** Brings the plugin's schema up to date. */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'itsm_sync__knex_migrations',
  });
}
