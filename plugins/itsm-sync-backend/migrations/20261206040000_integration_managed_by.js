// @ts-check
/*
 * Integrations declared in app-config (itsmSync.integrations) are marked `config`: the API
 * shows them read-only and only the configuration changes them. Null: managed through the API.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('integrations', t => {
    t.string('managed_by', 32).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('integrations', t => {
    t.dropColumn('managed_by');
  });
};
