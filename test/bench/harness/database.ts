import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The shared local Postgres (trust auth on loopback). */
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

/**
 * A database prefix of our own per run: Backstage creates one database per plugin
 * (`<prefix>itsm-sync`), so every database this run made can be found and dropped by it.
 */
export function newDatabasePrefix(kind: string): string {
  return `itsm_${kind}_${randomBytes(4).toString('hex')}_`;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops every database whose name starts with `prefix` (ours only: the prefix is random). */
export async function dropDatabases(prefix: string): Promise<string[]> {
  if (!/^itsm_[a-z]+_[0-9a-f]{8}_$/.test(prefix))
    throw new Error(`refusing to drop databases with prefix ${prefix}`);
  return withAdmin(async client => {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(
        `DROP DATABASE IF EXISTS "${datname.replace(/"/g, '')}" WITH (FORCE)`,
      );
    }
    return rows.map(r => r.datname as string);
  });
}

/** Runs one query against a database the hub created (for checks the API does not expose). */
async function queryHubDatabase<T = any>(
  prefix: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ ...PG, database: `${prefix}itsm-sync` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
