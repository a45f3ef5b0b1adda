import type { Knex } from 'knex';

const TABLE = 'hub_notes';

/** A note the hub is posting or posted to a ticket. */
export interface HubNote {
  integrationId: string;
  /** The hub's own key of the note: the same on every retry of its delivery. */
  noteKey: string;
  externalId: string;
  /** SHA-256 (hex) of the posted text in its echo form. */
  textSha256: string;
}

/**
 * The notes the hub posted to vendors (docs/sync-semantics.md#notes-and-channels): a row is
 * written before the vendor call, so an echo that overtakes the vendor's answer is still
 * recognised by its text, and given the vendor's note id after it.
 */
export class HubNoteRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Notes a post about to be made; true when it still has to be made, false when an earlier
   * attempt of the same delivery already made it (the row carries `posted_at`).
   */
  async beginPost(note: HubNote, now: number): Promise<boolean> {
    await this.db(TABLE)
      .insert({
        integration_id: note.integrationId,
        note_key: note.noteKey,
        external_id: note.externalId,
        text_sha256: note.textSha256,
        external_note_id: null,
        posted_at: null,
        created_at: now,
      })
      .onConflict(['integration_id', 'note_key'])
      .ignore();
    const row = await this.db(TABLE)
      .where({ integration_id: note.integrationId, note_key: note.noteKey })
      .first('posted_at');
    return row?.posted_at === null || row?.posted_at === undefined;
  }

  /** Records that the vendor took the note, and its id there when it has one. */
  async posted(
    integrationId: string,
    noteKey: string,
    externalNoteId: string | undefined,
    now: number,
  ): Promise<void> {
    await this.db(TABLE)
      .where({ integration_id: integrationId, note_key: noteKey })
      .update({ external_note_id: externalNoteId ?? null, posted_at: now });
  }

  /**
   * Which of the given inbound notes the hub posted itself: matched by the vendor's note id
   * when the note carries one, else by its text on the same ticket. Answers the indexes of
   * the matches.
   */
  async ownNotes(
    notes: Array<{
      integrationId: string;
      externalId: string;
      externalNoteId?: string;
      textSha256: string;
    }>,
  ): Promise<Set<number>> {
    const own = new Set<number>();
    if (!notes.length) return own;
    const rows: Array<{
      integration_id: string;
      external_id: string;
      text_sha256: string;
      external_note_id: string | null;
    }> = await this.db(TABLE)
      .select(
        'integration_id',
        'external_id',
        'text_sha256',
        'external_note_id',
      )
      .where(q => {
        for (const n of notes)
          q.orWhere({
            integration_id: n.integrationId,
            external_id: n.externalId,
          });
      });
    notes.forEach((n, i) => {
      const mine = rows.some(
        r =>
          r.integration_id === n.integrationId &&
          r.external_id === n.externalId &&
          ((n.externalNoteId !== undefined &&
            r.external_note_id === n.externalNoteId) ||
            r.text_sha256 === n.textSha256),
      );
      if (mine) own.add(i);
    });
    return own;
  }

  /** Forgets notes older than `before` (their echoes have long arrived), a batch at a time. */
  async pruneOlderThan(before: number, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const keys = this.db(TABLE)
        .select('integration_id', 'note_key')
        .where('created_at', '<', before)
        .limit(batch);
      const deleted = await this.db(TABLE)
        .whereIn(['integration_id', 'note_key'], keys)
        .delete();
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
