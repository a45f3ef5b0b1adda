import type { Entity } from '@backstage/catalog-model';

/**
 * Entity annotation that turns the ITSM sync card on for a catalog entity. Its value is
 * `enabled`, or the entity ref incidents are filed against when it differs from the
 * entity's own (for example a component whose incidents are filed on its system).
 * @public
 */
export const ITSM_SYNC_ANNOTATION = 'itsm-sync.io/incidents';

/** @public */
export function isItsmSyncAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ITSM_SYNC_ANNOTATION]);
}

/** The entity ref whose incidents the card shows. @public */
export function incidentEntityRefOf(entity: Entity, ownRef: string): string {
  const value = entity.metadata.annotations?.[ITSM_SYNC_ANNOTATION];
  return !value || value === 'enabled' ? ownRef : value;
}
