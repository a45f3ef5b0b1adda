import type { NoteVisibility } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { IncidentNote } from './types';

/** The name a note written on the platform is shown with at the vendors. */
const PLATFORM_ORIGIN = 'Backstage';

/**
 * A note's text as every connector posts it, with where it was written and who wrote it
 * in front (`PagerDuty · Jane Doe: Rolled back`), so people at the vendor see both
 * (docs/sync-semantics.md#notes-and-channels). The hub hashes this same text to recognise
 * the note when the vendor echoes it back.
 * @public
 */
export function formatNoteForVendor(note: IncidentNote): string {
  const origin = note.origin ?? PLATFORM_ORIGIN;
  const by = note.author ? `${origin} · ${note.author}` : origin;
  return `${by}: ${note.text}`;
}

/** A note's channel; a note without one is internal, the safer reading. @public */
export function noteVisibilityOf(note: IncidentNote): NoteVisibility {
  return note.visibility === 'public' ? 'public' : 'internal';
}

/**
 * The text of a note reduced to what survives every vendor's round trip (Jira's ADF, trimmed
 * journal values): whitespace runs as one space, no leading or trailing space. The hub's
 * echo check compares notes in this form.
 * @public
 */
export function noteEchoText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The `note_channels` value that keeps a channel's notes from the vendor. */
const NO_CHANNEL = 'none';

/**
 * The vendor channel an integration's `settings.note_channels` maps a visibility to
 * (`{internal: 'work_notes', public: 'comments'}`), `none` when that channel is not sent, or
 * undefined when the setting does not say (the connector's default applies).
 * @public
 */
export function noteChannelSetting(
  settings: Record<string, unknown>,
  visibility: NoteVisibility,
): string | undefined {
  const channels = settings.note_channels;
  if (!channels || typeof channels !== 'object') return undefined;
  const value = (channels as Record<string, unknown>)[visibility];
  return typeof value === 'string' ? value : undefined;
}

/** Whether notes of this visibility are sent to the integration at all. @public */
export function sendsNoteChannel(
  settings: Record<string, unknown>,
  visibility: NoteVisibility,
): boolean {
  return noteChannelSetting(settings, visibility) !== NO_CHANNEL;
}

/**
 * Checks `settings.note_channels` against the vendor channels a connector has; throws an
 * Error naming the bad entry. `none` is always allowed.
 * @public
 */
export function validateNoteChannels(
  settings: Record<string, unknown>,
  vendorChannels: readonly string[],
): void {
  const channels = settings.note_channels;
  if (channels === undefined || channels === null) return;
  if (typeof channels !== 'object' || Array.isArray(channels))
    throw new Error(
      'note_channels must be an object like {"internal": "...", "public": "..."}',
    );
  const allowed = [...vendorChannels, NO_CHANNEL];
  for (const [key, value] of Object.entries(channels)) {
    if (key !== 'internal' && key !== 'public')
      throw new Error(
        `note_channels has unknown visibility '${key}' (internal or public)`,
      );
    if (typeof value !== 'string' || !allowed.includes(value))
      throw new Error(
        `note_channels.${key} must be one of ${allowed.join(', ')}`,
      );
  }
}
