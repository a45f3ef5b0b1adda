// @ts-check
/*
 * The sync trace: every inbound event and outbound delivery of an incident with the
 * decision for each field, written with the batch that made it and pruned after
 * itsmSync.trace.retentionDays (docs/sync-semantics.md#sync-trace).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('sync_trace', t => {
    t.bigIncrements('id');
    t.string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    t.string('integration_id', 36).nullable();
    t.bigInteger('at').notNullable();
    // The rest of the entry (direction, kind, fields, call, error) as compact JSON.
    t.text('entry').notNullable();
    t.index(['incident_id', 'id']);
    t.index(['at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sync_trace');
};
