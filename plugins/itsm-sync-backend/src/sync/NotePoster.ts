import { createHash } from 'node:crypto';
import {
  formatNoteForVendor,
  noteEchoText,
  type ConnectorContext,
  type ItsmConnector,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { OutboxNote } from '../engine/coalesce';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';

/** SHA-256 (hex) of a note's text in the form that survives every vendor's round trip. */
export function echoHashOf(text: string): string {
  return createHash('sha256').update(noteEchoText(text)).digest('hex');
}

/**
 * Posts queued notes to a ticket, each once (docs/sync-semantics.md#notes-and-channels):
 * the post is noted in `hub_notes` before the vendor call (by the text the connector will
 * post, so an echo that overtakes the answer is known) and marked posted after it, with the
 * vendor's note id. A retry of the delivery skips notes already posted.
 */
export class NotePoster {
  constructor(
    private readonly store: Pick<SyncStore, 'hubNotes'>,
    private readonly clock: Clock,
  ) {}

  async post(
    connector: ItsmConnector,
    ctx: ConnectorContext,
    externalId: string,
    notes: OutboxNote[],
  ): Promise<void> {
    const integrationId = ctx.integration.id;
    for (const { key, ...note } of notes) {
      if (!key) {
        // Queued before notes had keys: posted as before, without the ledger.
        await connector.addNote(ctx, externalId, note);
        continue;
      }
      const toPost = await this.store.hubNotes.beginPost(
        {
          integrationId,
          noteKey: key,
          externalId,
          textSha256: echoHashOf(formatNoteForVendor(note)),
        },
        this.clock.now(),
      );
      if (!toPost) continue;
      const added = await connector.addNote(ctx, externalId, note);
      await this.store.hubNotes.posted(
        integrationId,
        key,
        added?.externalNoteId,
        this.clock.now(),
      );
    }
  }
}
