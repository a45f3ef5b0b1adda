import {
  noteChannelSetting,
  noteVisibilityOf,
  type IncidentNote,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { NoteVisibility } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** Jira Service Management's comment channels: internal (agents only) and public (shared with the customer). */
export const COMMENT_CHANNELS = ['internal', 'public'] as const;

/** The comment property Jira Service Management reads to keep a comment internal. */
const PUBLIC_COMMENT_PROPERTY = 'sd.public.comment';

/**
 * The body of `POST /issue/{key}/comment` for a note (docs/connectors/jira.md#notes): an
 * internal note carries `sd.public.comment: {internal: true}`, which Jira Service Management
 * shows to agents only; `settings.note_channels` may send a channel the other way.
 */
export function commentPropertiesFor(
  settings: Record<string, unknown>,
  note: IncidentNote,
): Array<{ key: string; value: { internal: boolean } }> {
  const visibility = noteVisibilityOf(note);
  const channel = noteChannelSetting(settings, visibility) ?? visibility;
  return [
    { key: PUBLIC_COMMENT_PROPERTY, value: { internal: channel !== 'public' } },
  ];
}

/**
 * The visibility of a Jira comment: `jsdPublic: true` is public; anything else (an internal
 * comment, or a Jira without the field) is internal, so nothing private is ever shown to a
 * customer elsewhere. `note_channels` may map a Jira channel to the other visibility.
 */
export function visibilityOfComment(
  settings: Record<string, unknown>,
  jsdPublic: unknown,
): NoteVisibility {
  const channel = jsdPublic === true ? 'public' : 'internal';
  for (const visibility of ['internal', 'public'] as const)
    if (noteChannelSetting(settings, visibility) === channel) return visibility;
  return channel;
}
