/**
 * Rows per multi-row statement: SQLite builds may allow only 999 bound parameters,
 * and the widest row written in one batch statement has 6 columns.
 */
export const ROWS_PER_STATEMENT = 150;

/** Splits a list for multi-row statements and IN lists that must stay under the parameter limit. */
export function chunks<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}
