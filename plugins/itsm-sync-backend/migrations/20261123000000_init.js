// @ts-check
/*
 * The itsm-sync schema. Times are epoch milliseconds (bigint) so that SQLite and
 * Postgres compare them identically and lease arithmetic stays in SQL.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('integrations', t => {
    t.string('id', 36).primary();
    t.string('name', 200).notNullable().unique();
    t.string('organization_id', 200).notNullable();
    t.string('integration_type', 100).notNullable();
    t.string('base_url', 2000).notNullable();
    t.string('sync_direction', 20).notNullable();
    t.boolean('enabled').notNullable();
    t.string('conflict_strategy', 30).notNullable();
    t.integer('conflict_window_seconds').notNullable();
    t.integer('rate_limit').nullable();
    t.float('backoff_multiplier').notNullable();
    t.text('settings').notNullable();
    // AES-256-GCM envelope of {credentials, webhook_secrets}; never plaintext.
    t.text('secrets_ciphertext').notNullable();
    t.text('credential_keys').notNullable();
    t.integer('webhook_secret_count').notNullable();
    // No replica calls the vendor before this time (a 429's reset), epoch ms.
    t.bigInteger('not_before').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('field_ownership', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('field', 64).notNullable();
    t.string('owner', 20).notNullable();
    t.integer('priority').notNullable();
    t.primary(['integration_id', 'field']);
  });

  await knex.schema.createTable('incidents', t => {
    t.string('id', 36).primary();
    t.string('title', 500).notNullable();
    t.text('description').notNullable();
    t.string('severity', 10).notNullable();
    t.string('status', 20).notNullable();
    t.string('assigned_to', 200).nullable();
    t.string('escalation_policy', 200).nullable();
    t.string('entity_ref', 500).nullable().index();
    t.integer('version').notNullable();
    // Per field: when it last changed and from where ({at, source}); conflict detection reads it.
    t.text('field_changes').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('incident_timeline', t => {
    t.increments('id');
    t.string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    t.string('kind', 20).notNullable();
    t.text('text').notNullable();
    t.string('author', 200).nullable();
    t.string('source', 80).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['incident_id', 'id']);
  });

  await knex.schema.createTable('links', t => {
    t.string('id', 36).primary();
    t.string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('external_id', 200).nullable();
    t.string('external_key', 200).nullable();
    t.string('external_url', 2000).nullable();
    t.string('dedup_key', 200).notNullable();
    t.string('sync_state', 20).notNullable();
    t.bigInteger('last_synced_at').nullable();
    t.text('last_error').nullable();
    // Values the hub last wrote to the ticket, so their echo is recognised.
    t.text('last_written').notNullable();
    t.bigInteger('last_manual_sync_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['incident_id', 'integration_id']);
    t.unique(['integration_id', 'external_id']);
  });

  await knex.schema.createTable('outbox', t => {
    t.bigIncrements('id');
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    t.string('operation', 20).notNullable();
    t.text('payload').notNullable();
    t.string('state', 20).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.string('lease_owner', 100).nullable();
    t.bigInteger('lease_expires_at').nullable();
    t.text('last_error').nullable();
    t.integer('last_status').nullable();
    t.text('trace_context').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('delivered_at').nullable();
    t.index(['state', 'next_attempt_at']);
    t.index(['integration_id', 'incident_id', 'state', 'id']);
  });

  await knex.schema.createTable('dlq', t => {
    t.string('id', 36).primary();
    t.bigInteger('outbox_id').notNullable();
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    t.string('operation', 20).notNullable();
    t.text('payload').notNullable();
    t.integer('attempts').notNullable();
    t.text('last_error').notNullable();
    t.integer('last_status').nullable();
    t.string('state', 20).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['integration_id', 'state']);
  });

  await knex.schema.createTable('conflicts', t => {
    t.string('id', 36).primary();
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    t.string('field', 64).notNullable();
    t.text('platform_value').notNullable();
    t.bigInteger('platform_changed_at').notNullable();
    t.text('external_value').notNullable();
    t.bigInteger('external_changed_at').notNullable();
    t.string('status', 20).notNullable();
    t.string('resolution', 20).nullable();
    t.string('resolved_by', 200).nullable();
    t.bigInteger('resolved_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['status', 'integration_id']);
  });

  // The inbox: one row per vendor delivery, written before the webhook is answered.
  await knex.schema.createTable('webhook_deliveries', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('event_id', 300).notNullable();
    t.text('change').notNullable();
    t.string('status', 20).notNullable();
    t.text('error').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('lease_owner', 100).nullable();
    t.bigInteger('lease_expires_at').nullable();
    t.bigInteger('received_at').notNullable();
    t.bigInteger('processed_at').nullable();
    t.primary(['integration_id', 'event_id']);
    t.index(['status', 'received_at']);
  });

  await knex.schema.createTable('reconcile_runs', t => {
    t.string('id', 36).primary();
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.boolean('dry_run').notNullable();
    t.boolean('auto_heal').notNullable();
    t.string('trigger', 20).notNullable();
    t.string('status', 20).notNullable();
    t.integer('checked').notNullable().defaultTo(0);
    t.integer('discrepancies_found').notNullable().defaultTo(0);
    t.integer('healed').notNullable().defaultTo(0);
    t.text('discrepancies').notNullable();
    t.text('error').nullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('finished_at').nullable();
    t.index(['integration_id', 'started_at']);
  });

  await knex.schema.createTable('reconcile_schedules', t => {
    t.string('integration_id', 36)
      .primary()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.integer('interval_seconds').notNullable();
    t.boolean('auto_heal').notNullable();
    t.boolean('enabled').notNullable();
    t.bigInteger('next_run_at').notNullable();
    t.bigInteger('last_run_at').nullable();
    t.bigInteger('updated_at').notNullable();
  });

  // The sync metrics (docs/sync-semantics.md#sync-metrics), summed across replicas.
  await knex.schema.createTable('integration_metrics', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('metric', 40).notNullable();
    t.bigInteger('value').notNullable();
    t.primary(['integration_id', 'metric']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'integration_metrics',
    'reconcile_schedules',
    'reconcile_runs',
    'webhook_deliveries',
    'conflicts',
    'dlq',
    'outbox',
    'links',
    'incident_timeline',
    'incidents',
    'field_ownership',
    'integrations',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
};
