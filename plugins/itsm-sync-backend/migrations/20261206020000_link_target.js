// @ts-check
/*
 * Where at the vendor a routed ticket opens (docs/sync-semantics.md#routing): the
 * PagerDuty service, ServiceNow assignment group and CI or Jira project read from the
 * incident's catalog entity when routing linked it, kept with the link so the ticket's
 * creation, and any retry of it, uses what routing decided.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('links', t => {
    // JSON, e.g. {"project_key":"PAY"}; null when the integration's defaults apply.
    t.text('target').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('links', t => {
    t.dropColumn('target');
  });
};
