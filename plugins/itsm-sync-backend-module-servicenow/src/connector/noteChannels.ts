import {
  noteChannelSetting,
  noteVisibilityOf,
  type IncidentNote,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { NoteVisibility } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** ServiceNow's two journal columns: work notes for the fulfillers, additional comments for the caller. */
export const JOURNAL_COLUMNS = ['work_notes', 'comments'] as const;
type JournalColumn = (typeof JOURNAL_COLUMNS)[number];

const DEFAULT_COLUMN: Record<NoteVisibility, JournalColumn> = {
  internal: 'work_notes',
  public: 'comments',
};

/**
 * The journal column a note is written to (docs/connectors/servicenow.md#notes):
 * `settings.note_channels` when it names one, else work notes for internal notes and
 * additional comments for public ones.
 */
export function journalColumnFor(
  settings: Record<string, unknown>,
  note: IncidentNote,
): JournalColumn {
  const visibility = noteVisibilityOf(note);
  const configured = noteChannelSetting(settings, visibility);
  return (JOURNAL_COLUMNS as readonly string[]).includes(configured ?? '')
    ? (configured as JournalColumn)
    : DEFAULT_COLUMN[visibility];
}

/**
 * The visibility of a journal entry read from ServiceNow: the one `note_channels` maps to
 * that column (internal first), else the column's own meaning.
 */
export function visibilityOfColumn(
  settings: Record<string, unknown>,
  column: JournalColumn,
): NoteVisibility {
  for (const visibility of ['internal', 'public'] as const)
    if (noteChannelSetting(settings, visibility) === column) return visibility;
  return column === 'work_notes' ? 'internal' : 'public';
}
