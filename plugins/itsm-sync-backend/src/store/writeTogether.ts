import type { Knex } from 'knex';
import { isPostgres } from './dialect';

/** A statement not yet run: a query builder or a raw statement. */
export type Statement = Knex.QueryBuilder | Knex.Raw;

/**
 * Runs independent writes (no two touching one row) as one statement on Postgres, as
 * data-modifying CTEs: one round trip instead of one each. One by one elsewhere, in
 * the order given.
 */
export async function writeTogether(
  tx: Knex,
  writes: Statement[],
): Promise<void> {
  if (!isPostgres(tx) || writes.length < 2) {
    for (const write of writes) await write;
    return;
  }
  // Postgres binds at most 65535 parameters per statement.
  let group: Statement[] = [];
  let bindings = 0;
  const flush = async () => {
    if (group.length === 1) await group[0];
    else if (group.length)
      await tx.raw(
        `WITH ${group.map((_, i) => `w${i} AS (?)`).join(', ')} SELECT 1`,
        group,
      );
    group = [];
    bindings = 0;
  };
  for (const write of writes) {
    const count = write.toSQL().bindings.length;
    if (bindings + count > 30_000) await flush();
    group.push(write);
    bindings += count;
  }
  await flush();
}
