import type { SyncStore } from '../store/SyncStore';
import type { ConflictRecord, IntegrationRecord } from '../store/types';
import type {
  ConflictPermissionResource,
  IntegrationPermissionResource,
} from './resources';

function integrationResource(
  integration: Pick<IntegrationRecord, 'id' | 'name'>,
): IntegrationPermissionResource {
  return { id: integration.id, name: integration.name };
}

/** A conflict with its integration and the assignee of its incident. */
export async function conflictResource(
  store: SyncStore,
  conflict: ConflictRecord,
): Promise<ConflictPermissionResource> {
  const [integration, incident] = await Promise.all([
    store.integrations.get(conflict.integration_id),
    store.incidents.get(conflict.incident_id),
  ]);
  return {
    id: conflict.id,
    // Conflicts go with their integration; a missing one matches no scope by name.
    integration: { id: conflict.integration_id, name: integration?.name ?? '' },
    incidentAssignedTo: incident?.assigned_to ?? null,
  };
}

/** Integrations by id, for the permission backend's conditional decisions. */
export async function loadIntegrationResources(
  store: SyncStore,
  ids: string[],
) {
  return Promise.all(
    ids.map(async id => {
      const integration = await store.integrations.get(id);
      return integration && integrationResource(integration);
    }),
  );
}

/** Conflicts by id, for the permission backend's conditional decisions. */
export async function loadConflictResources(store: SyncStore, ids: string[]) {
  return Promise.all(
    ids.map(async id => {
      const conflict = await store.conflicts.get(id);
      return conflict && conflictResource(store, conflict);
    }),
  );
}
