// @ts-check
/*
 * On Postgres a batch of inbound webhooks is stored in the inbox and applied in one
 * statement, the inbox rows written already settled. When the incidents it decided on
 * changed since its read, or one of its event ids is in the inbox already, none of it
 * may stay: the statement calls this function, whose error rolls the statement back,
 * and the batch goes the long way (inbox insert on its own, then the locked apply).
 * Plain SQL has no way to raise an error on a condition; SQLite takes the long way always.
 */

/** The SQLSTATE the guard raises; writeInboundIfUnchanged.ts knows it by this code. */
const BATCH_CHANGED = 'IS001';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.schema
    .raw(`CREATE FUNCTION itsm_sync_inbound_batch_changed() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'inbound batch changed since it was read' USING ERRCODE = '${BATCH_CHANGED}';
END
$$`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.schema.raw('DROP FUNCTION itsm_sync_inbound_batch_changed()');
};
