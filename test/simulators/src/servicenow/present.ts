import type { IncidentStore } from './IncidentStore';
import {
  CHOICE_LABELS,
  JOURNAL_COLUMNS,
  NAMED_REFERENCE_TABLES,
  REFERENCE_COLUMNS,
} from './records';

/** The Table API's `sysparm_display_value` and `sysparm_exclude_reference_link` switches. */
export interface PresentOptions {
  displayValue: 'false' | 'true' | 'all';
  excludeReferenceLink: boolean;
  fields?: string[];
  baseUrl: string;
}

export function presentOptionsFrom(url: URL, baseUrl: string): PresentOptions {
  const display = (
    url.searchParams.get('sysparm_display_value') ?? 'false'
  ).toLowerCase();
  const fields = url.searchParams.get('sysparm_fields');
  return {
    displayValue: display === 'true' || display === 'all' ? display : 'false',
    excludeReferenceLink:
      url.searchParams.get('sysparm_exclude_reference_link') === 'true',
    fields: fields
      ? fields
          .split(',')
          .map(f => f.trim())
          .filter(Boolean)
      : undefined,
    baseUrl,
  };
}

/** Journal columns display as ServiceNow's formatted history, newest first. */
function journalDisplay(
  store: IncidentStore,
  sysId: string,
  element: 'work_notes' | 'comments',
): string {
  const label = element === 'work_notes' ? 'Work notes' : 'Additional comments';
  return store
    .journalOf(sysId, element)
    .reverse()
    .map(
      j =>
        `${j.sys_created_on} - ${store.findUser(j.sys_created_by)?.name ?? j.sys_created_by} (${label})\n${j.value}\n\n`,
    )
    .join('');
}

/**
 * Shapes one incident the way the Table API returns it: plain strings by default,
 * references as `{link, value}` objects (or plain strings with the link excluded),
 * display values or `{display_value, value}` pairs when asked.
 */
export function presentIncident(
  store: IncidentStore,
  record: Record<string, string>,
  options: PresentOptions,
) {
  const out: Record<string, unknown> = {};
  const columns = options.fields ?? Object.keys(record);
  for (const column of columns) {
    if (!(column in record)) continue;
    const value = record[column];
    let display = value;
    const referenced = REFERENCE_COLUMNS.has(column)
      ? 'sys_user'
      : NAMED_REFERENCE_TABLES[column];
    if (REFERENCE_COLUMNS.has(column))
      display = value ? store.userName(value) : '';
    else if (referenced) display = store.referenceName(column, value);
    else if (CHOICE_LABELS[column])
      display = CHOICE_LABELS[column][value] ?? value;
    else if (JOURNAL_COLUMNS.has(column))
      display = journalDisplay(
        store,
        record.sys_id,
        column as 'work_notes' | 'comments',
      );

    const link = `${options.baseUrl}/api/now/table/${referenced}/${value}`;
    if (referenced && value && !options.excludeReferenceLink) {
      if (options.displayValue === 'false') out[column] = { link, value };
      else if (options.displayValue === 'true')
        out[column] = { display_value: display, link };
      else out[column] = { display_value: display, link, value };
      continue;
    }
    if (options.displayValue === 'false') out[column] = value;
    else if (options.displayValue === 'true') out[column] = display;
    else out[column] = { display_value: display, value };
  }
  return out;
}

/** Rows of the read-only tables (sys_user, sys_journal_field) are already plain strings. */
export function presentPlain(row: Record<string, string>, fields?: string[]) {
  if (!fields) return { ...row };
  return Object.fromEntries(fields.filter(f => f in row).map(f => [f, row[f]]));
}
