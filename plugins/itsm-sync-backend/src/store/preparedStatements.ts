import type { Knex } from 'knex';
import { isPostgres } from './dialect';

/**
 * Names a hot statement on Postgres: each connection parses it once, and plans it once
 * when Postgres finds its generic plan as good as the custom ones. Its text must be the
 * same on every call: lists go in as one array parameter (`= ANY(?::text[])`,
 * `unnest(...)`), never as IN lists or VALUES rows of varying length; every name belongs
 * to one text. Elsewhere the statement is left as it is.
 */
export function prepared<T extends Knex.QueryBuilder | Knex.Raw>(
  query: T,
  name: string,
): T {
  // A built query carries its client, which the typings leave out.
  if (isPostgres(query as unknown as Parameters<typeof isPostgres>[0]))
    query.options({ name: `itsm_sync_${name}` });
  return query;
}
