// @ts-check
/*
 * The vendor's full error answer of a dead-lettered change, kept apart from `last_error`
 * (status and a short sanitised excerpt, which every reader sees): only those allowed to
 * manage the integration are shown it (README "Security").
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dlq', t => {
    t.text('vendor_body').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dlq', t => {
    t.dropColumn('vendor_body');
  });
};
