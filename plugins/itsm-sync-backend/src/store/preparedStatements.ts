import type { Knex } from 'knex';
import { isPostgres } from './dialect';


/**
 * `column IN (values)`, written on Postgres as `column = ANY(array)` with one parameter,
 * so the statement's text does not depend on how many values there are and it can be
 * prepared once (see `prepared`). SQLite has no arrays: an IN list there.
 */
export function whereAny(query: Knex.QueryBuilder, column: string, values: readonly unknown[], pgType: 'text' | 'bigint'): Knex.QueryBuilder {
  if (isPostgres(query as any)) return query.whereRaw(`?? = ANY(?::${pgType}[])`, [column, [...values] as any]);
  return query.whereIn(column, values as any[]);
}

/**
 * Names a hot statement on Postgres: each connection parses it once, and plans it once
 * when Postgres finds its generic plan as good as the custom ones. Its text must be the
 * same on every call (no IN lists, no VALUES of varying length: see `whereAny`); every
 * name belongs to one text. Elsewhere the statement is left as it is.
 */
export function prepared<T extends Knex.QueryBuilder | Knex.Raw>(query: T, name: string): T {
  if (isPostgres(query as any)) query.options({ name: `itsm_sync_${name}` });
  return query;
}
