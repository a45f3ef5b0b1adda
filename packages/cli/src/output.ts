import Table from 'cli-table3';

export const FORMATS = ['table', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** Where commands write; injectable so output stays testable and stdout-only. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: text => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: text => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** A cell for people: empty for nothing, JSON for structures. */
function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A table with a header row, one row per item. */
export function listTable<T>(
  items: T[],
  columns: Array<[header: string, pick: (item: T) => unknown]>,
): string {
  const table = new Table({
    head: columns.map(([header]) => header),
    style: { head: [], border: [] },
  });
  for (const item of items)
    table.push(columns.map(([, pick]) => cell(pick(item))));
  return table.toString();
}

/** A two-column table of one object's fields. */
export function recordTable(
  entries: Array<[label: string, value: unknown]>,
): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [label, value] of entries) table.push({ [label]: cell(value) });
  return table.toString();
}

/** JSON for scripts: the API's objects as returned, pretty-printed and stable. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Prints the API's value as JSON for scripts, or the table made from it for people. */
export function show<T>(
  output: Output,
  format: Format,
  value: T,
  table: (value: T) => string,
): void {
  output.out(format === 'json' ? json(value) : table(value));
}

/** A table, or a sentence when there is nothing to list. */
export function tableOrEmpty<T>(
  items: T[],
  table: (items: T[]) => string,
  empty: string,
): string {
  return items.length ? table(items) : empty;
}
