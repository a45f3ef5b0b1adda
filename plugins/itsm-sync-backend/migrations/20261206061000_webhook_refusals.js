// @ts-check
/*
 * Webhooks refused by verification (a wrong secret, a missing signature), counted per
 * integration, reason and minute, so sync-status can say how many in the last hour and
 * when the last was (docs/sync-semantics.md#refused-webhooks). Pruned after a day.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('webhook_refusals', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('reason', 200).notNullable();
    // The start of the minute the refusals fell in, epoch ms.
    t.bigInteger('minute').notNullable();
    t.bigInteger('count').notNullable();
    t.bigInteger('last_at').notNullable();
    t.primary(['integration_id', 'reason', 'minute']);
    t.index(['minute']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('webhook_refusals');
};
