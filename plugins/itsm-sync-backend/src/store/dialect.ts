/** Whether a database, a transaction or a query built on one is Postgres (the rest: SQLite). */
export const isPostgres = (db: { client: { config: { client?: unknown } } }) =>
  db.client.config.client === 'pg';
