import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The owners of catalog entities: the targets of their `ownedBy` relations, else their
 * `spec.owner` (a group unless it names a kind), as the catalog itself resolves it.
 */
export class EntityOwners {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  /** The owner refs of `entityRef`; empty when the entity is unknown or has no owner. */
  async of(entityRef: string): Promise<string[]> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    if (!entity) return [];
    const related = (entity.relations ?? [])
      .filter(r => r.type === RELATION_OWNED_BY)
      .map(r => r.targetRef);
    if (related.length) return [...new Set(related)];
    const owner = entity.spec?.owner;
    if (typeof owner !== 'string' || !owner) return [];
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ),
    ];
  }
}
