// @ts-check
/*
 * Claims walk pending outbox rows oldest first. Without an index on just those rows,
 * Postgres walks the primary key through every delivered row still kept (until the
 * hourly prune), so each claim grew with the table: about 7 ms at 30,000 rows. A
 * partial index holds only the pending rows, in id order, on Postgres and SQLite alike.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.raw(
    `CREATE INDEX outbox_pending_by_id ON outbox (id) WHERE state = 'pending'`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.raw('DROP INDEX outbox_pending_by_id');
};
