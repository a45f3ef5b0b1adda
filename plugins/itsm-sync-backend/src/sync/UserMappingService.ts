import { ConflictError, NotFoundError } from '@backstage/errors';
import type { UserMappingResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { iso } from '../store/rows';
import type { SyncStore } from '../store/SyncStore';
import type { UserMappingRecord } from '../store/UserMappingRepository';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';
import type { IntegrationService } from './IntegrationService';

/** The explicit user mappings behind `/v1/user-mappings` (docs/sync-semantics.md#people). */
export class UserMappingService {
  constructor(
    private readonly store: Pick<SyncStore, 'userMappings' | 'integrations'>,
    private readonly integrations: Pick<IntegrationService, 'resolve'>,
    private readonly clock: Clock,
  ) {}

  async list(integrationRef?: string): Promise<UserMappingResponse[]> {
    const only = integrationRef
      ? await this.integrations.resolve(integrationRef)
      : undefined;
    const rows = await this.store.userMappings.list(only?.id);
    return this.responses(rows);
  }

  /** The mapping, for the permission check on its integration before a change. */
  async get(id: string): Promise<UserMappingRecord> {
    const row = await this.store.userMappings.get(id);
    if (!row) throw new NotFoundError(`No user mapping with id '${id}'`);
    return row;
  }

  async put(
    integration: IntegrationRecord,
    platformUser: string,
    externalUser: string,
  ): Promise<UserMappingResponse> {
    const row = await this.store.userMappings.put(
      integration.id,
      platformUser,
      externalUser,
      this.clock.now(),
    );
    if (!row)
      throw new ConflictError(
        `'${externalUser}' at integration '${integration.name}' is already mapped to another person`,
      );
    return (await this.responses([row]))[0];
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.userMappings.delete(id)))
      throw new NotFoundError(`No user mapping with id '${id}'`);
  }

  private async responses(
    rows: UserMappingRecord[],
  ): Promise<UserMappingResponse[]> {
    const names = new Map(
      (
        await this.store.integrations.getManyWithRules([
          ...new Set(rows.map(r => r.integration_id)),
        ])
      ).map(({ integration }) => [integration.id, integration.name]),
    );
    return rows.map(r => ({
      id: r.id,
      integration_id: r.integration_id,
      integration_name: names.get(r.integration_id) ?? r.integration_id,
      platform_user: r.platform_user,
      external_user: r.external_user,
      updated_at: iso(r.updated_at),
    }));
  }
}
