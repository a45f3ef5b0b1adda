import type {
  NormalizedChange,
  ParsedWebhook,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { SyncStore } from '../store/SyncStore';
import { echoHashOf } from './NotePoster';

/** Why an echoed note is acknowledged and dropped; also what sync-status counts it under. */
const OWN_NOTE_REASON = 'a note the hub posted itself';

/**
 * Drops the notes vendors echo back of the hub's own posts
 * (docs/sync-semantics.md#notes-and-channels): matched by the vendor's note id, else by
 * the text on the same ticket. A note-only change becomes an ignored event; a change that
 * also carries fields keeps them and loses the note. One read for a whole batch of
 * webhooks, none when no webhook carries a note.
 */
export async function dropOwnNoteEchoes(
  store: Pick<SyncStore, 'hubNotes'>,
  webhooks: Array<{ integrationId: string; parsed: ParsedWebhook }>,
): Promise<ParsedWebhook[]> {
  const withNotes = webhooks.flatMap(({ integrationId, parsed }) =>
    parsed.changes
      .filter(c => c.note?.text)
      .map(change => ({ integrationId, change })),
  );
  if (!withNotes.length) return webhooks.map(w => w.parsed);
  const own = await store.hubNotes.ownNotes(
    withNotes.map(({ integrationId, change }) => ({
      integrationId,
      externalId: change.externalId,
      externalNoteId: change.note!.externalNoteId,
      textSha256: echoHashOf(change.note!.text),
    })),
  );
  if (!own.size) return webhooks.map(w => w.parsed);
  const echoes = new Set(
    withNotes.filter((_, i) => own.has(i)).map(e => e.change),
  );
  return webhooks.map(({ parsed }) => {
    const changes: NormalizedChange[] = [];
    const ignored = [...parsed.ignored];
    for (const change of parsed.changes) {
      if (!echoes.has(change)) changes.push(change);
      else if (change.kind === 'note')
        ignored.push({
          eventType: 'note',
          reason: OWN_NOTE_REASON,
          eventId: change.eventId,
          externalId: change.externalId,
        });
      else changes.push({ ...change, note: undefined });
    }
    return { changes, ignored };
  });
}
