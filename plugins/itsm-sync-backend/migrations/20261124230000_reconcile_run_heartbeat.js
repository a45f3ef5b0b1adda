// @ts-check
/*
 * A running reconcile notes that it is alive every half minute, so a run whose hub was
 * killed can be told from one still going and marked failed instead of `running` forever.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('reconcile_runs', t => {
    t.bigInteger('heartbeat_at').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('reconcile_runs', t => {
    t.dropColumn('heartbeat_at');
  });
};
