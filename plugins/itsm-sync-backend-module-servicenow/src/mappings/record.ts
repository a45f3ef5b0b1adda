/** One column of a Table API record read with `sysparm_display_value=all`. */
export interface ColumnValue {
  value: string;
  display: string;
}

/** A Table API record with every column as value + display value. */
export type ServiceNowRecord = Record<string, ColumnValue>;

/**
 * Normalises a Table API record whatever `sysparm_display_value` produced: plain
 * strings, `{value, display_value}` pairs, or reference objects `{value, link}`.
 */
export function normaliseRecord(raw: unknown): ServiceNowRecord {
  const out: ServiceNowRecord = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [column, cell] of Object.entries(raw as Record<string, unknown>)) {
    if (cell && typeof cell === 'object') {
      const c = cell as { value?: unknown; display_value?: unknown };
      const value =
        c.value === undefined || c.value === null ? '' : String(c.value);
      const display =
        c.display_value === undefined || c.display_value === null
          ? value
          : String(c.display_value);
      out[column] = { value, display };
    } else {
      const value = cell === undefined || cell === null ? '' : String(cell);
      out[column] = { value, display: value };
    }
  }
  return out;
}
