import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { IntegrationRecord } from './types';

/** An integration with its field ownership rules, as the sync paths read them. */
export interface IntegrationWithRules {
  integration: IntegrationRecord;
  rules: FieldOwnershipRule[];
}

/**
 * How long a replica may use an integration's settings and rules without reading them
 * again. Every write through this replica forgets them at once; another replica's write
 * is seen within this time. The outbox claim reads `enabled` and `not_before` live, so no
 * vendor is called while disabled or before its Retry-After either way.
 */
const INTEGRATION_SNAPSHOT_TTL_MS = 1000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Integrations with their rules, kept briefly in memory: the webhook, incident-update
 * and dispatch paths read them for every batch, and they change rarely. Entries are
 * frozen, since every caller shares them.
 */
export class IntegrationSnapshots {
  private readonly entries = new Map<
    string,
    { at: number; value: IntegrationWithRules }
  >();
  /** Bumped by every write, so a read that raced a write does not keep what it read. */
  private generation = 0;

  constructor(
    private readonly ttlMs = INTEGRATION_SNAPSHOT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async getMany(
    ids: string[],
    load: (ids: string[]) => Promise<IntegrationWithRules[]>,
  ): Promise<IntegrationWithRules[]> {
    const unique = [...new Set(ids)];
    const now = this.now();
    const missing = unique.filter(id => {
      const entry = this.entries.get(id);
      return !entry || now - entry.at >= this.ttlMs;
    });
    if (missing.length) {
      const generation = this.generation;
      const loaded = new Map(
        (await load(missing)).map(e => [e.integration.id, deepFreeze(e)]),
      );
      // Kept only if nothing was written meanwhile; an id not found is asked again next time.
      if (generation === this.generation)
        for (const [id, value] of loaded)
          this.entries.set(id, { at: now, value });
      return unique.flatMap(id => {
        const value = loaded.get(id) ?? this.entries.get(id)?.value;
        return value ? [value] : [];
      });
    }
    return unique.flatMap(id => {
      const value = this.entries.get(id)?.value;
      return value ? [value] : [];
    });
  }

  /** Forgets everything: after a write, and again when the write's transaction ends. */
  forget(db?: Knex) {
    this.generation += 1;
    this.entries.clear();
    const transaction = db as Knex.Transaction | undefined;
    if (transaction?.isTransaction && transaction.executionPromise) {
      // A read between the write and the commit saw the old values.
      transaction.executionPromise.then(
        () => this.forget(),
        () => this.forget(),
      );
    }
  }
}

/** One cache per database (a transaction shares its database's configuration object). */
const byDatabase = new WeakMap<object, IntegrationSnapshots>();

export function integrationSnapshots(db: Knex): IntegrationSnapshots {
  const key = db.client.config as object;
  let snapshots = byDatabase.get(key);
  if (!snapshots) {
    snapshots = new IntegrationSnapshots();
    byDatabase.set(key, snapshots);
  }
  return snapshots;
}
