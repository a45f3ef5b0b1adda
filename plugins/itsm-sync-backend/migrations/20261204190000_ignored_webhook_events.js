// @ts-check
/*
 * Webhook events the hub acknowledged without acting on them (an event type it does not
 * sync, a ticket outside the integration's scope), counted per integration, event type
 * and reason, so that sync-status shows what a vendor sends and why nothing came of it.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('ignored_webhook_events', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('event_type', 200).notNullable();
    t.string('reason', 500).notNullable();
    t.bigInteger('count').notNullable();
    t.string('last_event_id', 200).nullable();
    t.string('last_external_id', 200).nullable();
    t.bigInteger('first_seen_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.primary(['integration_id', 'event_type', 'reason']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ignored_webhook_events');
};
