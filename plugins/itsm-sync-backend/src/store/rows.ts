/** Helpers shared by the repositories for the column conventions of the schema. */

/** Bigint columns come back as strings from pg and numbers from SQLite. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function iso(ms: unknown): string {
  return new Date(num(ms)).toISOString();
}

export function isoOrNull(ms: unknown): string | null {
  return ms === null || ms === undefined ? null : iso(ms);
}

export function json<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text.length === 0) return fallback;
  return JSON.parse(text) as T;
}

/** SQLite stores booleans as 0/1. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}
