// @ts-check
/*
 * Per-minute history of each integration's sync (docs/sync-semantics.md#metric-series):
 * once a minute one row per integration with its counters as they stand and its backlog,
 * DLQ and pending conflicts, and per replica the propagation latencies of the deliveries
 * it acknowledged in that minute, as histogram buckets. Pruned after a bounded retention.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('integration_metric_minutes', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.bigInteger('minute').notNullable();
    // The sync counters' running totals (JSON): a minute's activity is the difference to the previous row.
    t.text('counters').notNullable();
    t.integer('outbox_pending').notNullable();
    t.integer('dlq_size').notNullable();
    t.integer('pending_conflicts').notNullable();
    t.primary(['integration_id', 'minute']);
    t.index(['minute'], 'integration_metric_minutes_minute');
  });
  await knex.schema.createTable('integration_latency_minutes', t => {
    // No foreign key: a replica's flush must not fail for an integration deleted meanwhile; the prune removes it.
    t.string('integration_id', 36).notNullable();
    t.bigInteger('minute').notNullable();
    t.string('replica', 64).notNullable();
    // Histogram bucket counts (JSON array), merged across replicas when read.
    t.text('buckets').notNullable();
    t.primary(['integration_id', 'minute', 'replica']);
    t.index(['minute'], 'integration_latency_minutes_minute');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('integration_latency_minutes');
  await knex.schema.dropTable('integration_metric_minutes');
};
