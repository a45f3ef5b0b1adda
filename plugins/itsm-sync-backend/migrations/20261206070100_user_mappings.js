// @ts-check
/*
 * People across systems (docs/sync-semantics.md#people): for people whose identity at a
 * vendor is not their platform email, one row per integration says who they are there.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('user_mappings', t => {
    t.string('id', 36).primary();
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    // The platform's assignee value (an email), lower-cased.
    t.string('platform_user', 320).notNullable();
    // Who that person is at the vendor (an email, a user name, an account id).
    t.string('external_user', 320).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['integration_id', 'platform_user']);
    t.unique(['integration_id', 'external_user']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('user_mappings');
};
