// @ts-check
/*
 * Notes with channels (docs/sync-semantics.md#notes-and-channels): a timeline note keeps its
 * visibility and the vendor's id of the note it came from; `hub_notes` remembers every note
 * the hub posted to a ticket, so that the vendor's echo of it is dropped and a retried
 * delivery does not post it twice.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('incident_timeline', t => {
    t.string('visibility', 20).nullable();
    t.string('external_note_id', 200).nullable();
  });
  await knex.schema.createTable('hub_notes', t => {
    t.string('integration_id', 36)
      .notNullable()
      .references('id')
      .inTable('integrations')
      .onDelete('CASCADE');
    // The hub's own key of the note (one per platform note or inbound event).
    t.string('note_key', 300).notNullable();
    t.string('external_id', 200).notNullable();
    // SHA-256 (hex) of the posted text in its echo form, for echoes that carry no note id.
    t.string('text_sha256', 64).notNullable();
    t.string('external_note_id', 200).nullable();
    t.bigInteger('posted_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['integration_id', 'note_key']);
    t.index(['integration_id', 'external_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hub_notes');
  await knex.schema.alterTable('incident_timeline', t => {
    t.dropColumn('visibility');
    t.dropColumn('external_note_id');
  });
};
