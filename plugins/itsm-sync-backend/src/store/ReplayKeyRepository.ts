import type { Knex } from 'knex';

const TABLE = 'webhook_replay_keys';

/**
 * One-time webhook credentials already accepted (hashes, never the credentials), until
 * they expire. In the database rather than in memory because replicas share it: a token
 * accepted by one replica must be refused by the others.
 */
export class ReplayKeyRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Marks `key` used until `expiresAt`; true when it was not in use (new, or its earlier
   * use has expired), false for a replay. One statement, so two replicas racing with the
   * same key cannot both win.
   */
  async firstUse(
    key: string,
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    const rows = await this.db(TABLE)
      .insert({ key, expires_at: expiresAt })
      .onConflict('key')
      .merge({ expires_at: expiresAt })
      .where(`${TABLE}.expires_at`, '<=', now)
      .returning('key');
    return rows.length === 1;
  }

  /** Whether `key` is in use now (the signature test route asks without marking). */
  async inUse(key: string, now: number): Promise<boolean> {
    const row = await this.db(TABLE)
      .where({ key })
      .andWhere('expires_at', '>', now)
      .first('key');
    return Boolean(row);
  }

  /** Evicts expired keys, a batch at a time; returns how many went. */
  async pruneExpired(now: number, batch = 1000): Promise<number> {
    let total = 0;
    for (;;) {
      const keys = this.db(TABLE)
        .select('key')
        .where('expires_at', '<=', now)
        .limit(batch);
      const deleted = await this.db(TABLE).whereIn('key', keys).delete();
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
