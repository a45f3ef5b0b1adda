import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { num } from './rows';

const TABLE = 'user_mappings';

/** Who a platform person is at one integration's vendor. */
export interface UserMappingRecord {
  id: string;
  integration_id: string;
  platform_user: string;
  external_user: string;
  created_at: number;
  updated_at: number;
}

const toRecord = (r: any): UserMappingRecord => ({
  id: r.id,
  integration_id: r.integration_id,
  platform_user: r.platform_user,
  external_user: r.external_user,
  created_at: num(r.created_at),
  updated_at: num(r.updated_at),
});

/** The explicit user mappings (docs/sync-semantics.md#people). */
export class UserMappingRepository {
  constructor(private readonly db: Knex) {}

  async list(integrationId?: string): Promise<UserMappingRecord[]> {
    const q = this.db(TABLE).orderBy(['integration_id', 'platform_user']);
    if (integrationId) q.where({ integration_id: integrationId });
    return (await q).map(toRecord);
  }

  async get(id: string): Promise<UserMappingRecord | undefined> {
    const row = await this.db(TABLE).where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  /**
   * Sets who `platformUser` is at the integration, replacing that person's earlier mapping
   * there; undefined when another person of the integration already maps to `externalUser`.
   */
  async put(
    integrationId: string,
    platformUser: string,
    externalUser: string,
    now: number,
  ): Promise<UserMappingRecord | undefined> {
    return this.db.transaction(async tx => {
      const taken = await tx(TABLE)
        .where({ integration_id: integrationId, external_user: externalUser })
        .whereNot({ platform_user: platformUser })
        .first('id');
      if (taken) return undefined;
      await tx(TABLE)
        .insert({
          id: randomUUID(),
          integration_id: integrationId,
          platform_user: platformUser,
          external_user: externalUser,
          created_at: now,
          updated_at: now,
        })
        .onConflict(['integration_id', 'platform_user'])
        .merge({ external_user: externalUser, updated_at: now });
      return toRecord(
        await tx(TABLE)
          .where({ integration_id: integrationId, platform_user: platformUser })
          .first(),
      );
    });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db(TABLE).where({ id }).delete()) > 0;
  }

  /** The mappings of these integrations, for translating a batch in one read. */
  async forIntegrations(
    integrationIds: string[],
  ): Promise<UserMappingRecord[]> {
    if (!integrationIds.length) return [];
    return (
      await this.db(TABLE).whereIn('integration_id', [
        ...new Set(integrationIds),
      ])
    ).map(toRecord);
  }
}
