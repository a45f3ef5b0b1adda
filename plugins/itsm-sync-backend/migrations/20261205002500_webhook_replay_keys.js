// @ts-check
/*
 * One-time credentials of inbound webhooks already accepted (a Jira Connect JWT, by its
 * SHA-256), kept until they expire so a replay is refused on every replica that shares
 * the database. Expired rows may be taken over by a new use and are pruned hourly.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('webhook_replay_keys', t => {
    t.string('key', 120).primary();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at'], 'webhook_replay_keys_expiry');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('webhook_replay_keys');
};
