import { createHash } from 'node:crypto';
import {
  formatNoteForVendor,
  noteEchoText,
  sendsNoteChannel,
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
    private readonly store: Pick<
      SyncStore,
      'hubNotes' | 'incidents' | 'integrations'
    >,
    private readonly clock: Clock,
    /** The display name of an integration type's connector (`PagerDuty`), for a note's origin. */
    private readonly displayNameOf: (integrationType: string) => string,
  ) {}

  /**
   * With `settings.backfill_notes: true`, a ticket the hub has just created gets the notes
   * the incident had before it was linked (later ones were queued for it as they came),
   * except those from this integration and channels its `note_channels` keeps out; each
   * posted once, by the same keys as any note.
   */
  async backfill(
    connector: ItsmConnector,
    ctx: ConnectorContext,
    input: { incidentId: string; linkedAt: number; externalId: string },
  ): Promise<void> {
    const { settings, id: integrationId } = ctx.integration;
    if (settings.backfill_notes !== true) return;
    const earlier = (
      await this.store.incidents.notesBefore(input.incidentId, input.linkedAt)
    ).filter(
      n =>
        n.source !== `integration:${integrationId}` &&
        sendsNoteChannel(settings, n.visibility ?? 'internal'),
    );
    if (!earlier.length) return;
    const sources = [
      ...new Set(
        earlier
          .map(n => /^integration:(.+)$/.exec(n.source)?.[1])
          .filter((id): id is string => Boolean(id)),
      ),
    ];
    const origins = new Map(
      (await this.store.integrations.getManyWithRules(sources)).map(
        ({ integration }) => [
          `integration:${integration.id}`,
          this.displayNameOf(integration.integration_type),
        ],
      ),
    );
    await this.post(
      connector,
      ctx,
      input.externalId,
      earlier.map(n => ({
        text: n.text,
        ...(n.author ? { author: n.author } : {}),
        visibility: n.visibility ?? 'internal',
        ...(origins.has(n.source) ? { origin: origins.get(n.source) } : {}),
        key: `backfill:${n.id}`,
      })),
    );
  }

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
