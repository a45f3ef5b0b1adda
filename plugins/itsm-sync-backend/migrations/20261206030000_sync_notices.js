// @ts-check
/*
 * The sync event feed (docs/sync-semantics.md#notifications): conflicts and DLQ entries
 * get an announced_at once listeners were told about them, and each integration keeps the
 * episodes (DLQ, unhealthy) it is in, so replicas and restarts announce each thing once.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const table of ['conflicts', 'dlq']) {
    await knex.schema.alterTable(table, t => {
      t.bigInteger('announced_at').nullable();
      t.index(['announced_at'], `${table}_announced_at`);
    });
    // What exists before the feed is old news: an upgrade must not send a storm.
    await knex(table).update({ announced_at: knex.ref('created_at') });
  }
  await knex.schema.createTable('integration_notices', t => {
    t.string('integration_id', 36)
      .primary()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.bigInteger('dlq_episode_started_at').nullable();
    t.bigInteger('unhealthy_since').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('integration_notices');
  for (const table of ['conflicts', 'dlq']) {
    await knex.schema.alterTable(table, t => {
      t.dropIndex(['announced_at'], `${table}_announced_at`);
      t.dropColumn('announced_at');
    });
  }
};
