// @ts-check
/*
 * The answer of an integration's last connection test (POST /v1/integrations/{id}/test): the
 * portal shows "Configured" once one passed, as the templated webhook's guide describes.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('integrations', t => {
    t.boolean('last_test_ok').nullable();
    t.text('last_test_message').nullable();
    t.bigInteger('last_test_at').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('integrations', t => {
    t.dropColumn('last_test_ok');
    t.dropColumn('last_test_message');
    t.dropColumn('last_test_at');
  });
};
