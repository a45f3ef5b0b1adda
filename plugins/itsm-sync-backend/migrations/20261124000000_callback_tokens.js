// @ts-check
/*
 * Callback tokens (docs/connectors/webhook.md#callback-tokens): credentials an ITSM presents when it posts status changes
 * back. Only the SHA-256 of a token is stored; the token itself is shown once.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('callback_tokens', t => {
    t.string('id', 36).primary();
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('description', 1000).notNullable().defaultTo('');
    t.string('token_hash', 64).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.string('created_by', 300).notNullable();
    t.bigInteger('last_used_at').nullable();
    t.bigInteger('revoked_at').nullable();
    t.index(['integration_id', 'revoked_at']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('callback_tokens');
};
