// @ts-check
/*
 * Routing (docs/DESIGN.md, "Routing"): an incident's type, which routing rules and the
 * PagerDuty service mapping match on, and each integration's ordered routing rules with
 * the action taken when none matches.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('incidents', t => {
    t.string('incident_type', 100).nullable();
  });
  await knex.schema.createTable('integration_routing', t => {
    t.string('integration_id', 36)
      .primary()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    // The rules in evaluation order, as JSON: [{name, when: {...}, action}].
    t.text('rules').notNullable();
    // What an incident no rule matches gets: 'route' or 'skip'.
    t.string('default_action', 10).notNullable();
    t.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('integration_routing');
  await knex.schema.alterTable('incidents', t => {
    t.dropColumn('incident_type');
  });
};
