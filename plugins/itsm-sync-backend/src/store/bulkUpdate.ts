import type { Knex } from 'knex';
import { isPostgres } from './dialect';

/** One column a bulk update sets. */
export interface BulkColumn {
  name: string;
  /** Postgres binds VALUES parameters as text; numbers need a cast back. SQLite needs none. */
  pgCast?: 'bigint' | 'integer';
  /** The SQL of the new value, given the new value `v` and the current one `t` (default: `v`). */
  set?: (v: string, t: string) => string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The statements that update many rows, each with its own values, one per chunk (unrun,
 * for `writeTogether` or to await in turn):
 * `UPDATE t SET c = v.c ... FROM (VALUES ...) v WHERE t.key = v.key`. VALUES columns
 * are named column1..N on both Postgres and SQLite (3.33+ has UPDATE ... FROM), so
 * they are renamed in a sub-select rather than by an alias list SQLite lacks.
 */
export function bulkUpdateStatements(
  tx: Knex,
  table: string,
  key: string,
  columns: BulkColumn[],
  rows: Array<Record<string, unknown>>,
): Knex.Raw[] {
  if (!rows.length) return [];
  const isPg = isPostgres(tx);
  const names = [key, ...columns.map(c => c.name)];
  const casts = new Map(columns.map(c => [c.name, c.pgCast]));
  const renamed = names
    .map((name, i) => {
      const cast = isPg ? casts.get(name) : undefined;
      return `${cast ? `CAST(column${i + 1} AS ${cast})` : `column${i + 1}`} AS ${quote(name)}`;
    })
    .join(', ');
  const assignments = columns
    .map(
      c =>
        `${quote(c.name)} = ${c.set ? c.set(`v.${quote(c.name)}`, `${quote(table)}.${quote(c.name)}`) : `v.${quote(c.name)}`}`,
    )
    .join(', ');
  // Keeps each statement well inside both databases' bound-parameter limits.
  const perChunk = Math.max(1, Math.floor(30_000 / names.length));
  const statements: Knex.Raw[] = [];
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    const values = chunk
      .map(() => `(${names.map(() => '?').join(', ')})`)
      .join(', ');
    const bindings = chunk.flatMap(row =>
      names.map(name => (row[name] === undefined ? null : row[name])),
    );
    statements.push(
      tx.raw(
        `UPDATE ${quote(table)} SET ${assignments} FROM (SELECT ${renamed} FROM (VALUES ${values}) AS t) AS v WHERE ${quote(table)}.${quote(key)} = v.${quote(key)}`,
        bindings as Knex.RawBinding[],
      ),
    );
  }
  return statements;
}
