import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  ITSM_SYNC_CONFLICT_RESOURCE_TYPE,
  ITSM_SYNC_INTEGRATION_RESOURCE_TYPE,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/** An integration as the permission rules see it; `id` is null for one being created. @public */
export interface IntegrationPermissionResource {
  id: string | null;
  name: string;
}

/** A conflict as the permission rules see it: where it is and whose incident it is. @public */
export interface ConflictPermissionResource {
  id: string;
  integration: { id: string; name: string };
  /** The platform incident's `assigned_to`, as the platform holds it. */
  incidentAssignedTo: string | null;
}

/**
 * What a rule's condition becomes as a query: the values one attribute must take. It lets
 * code that lists resources filter them where they are stored.
 * @public
 */
export interface ItsmSyncPermissionFilter {
  key: 'integration' | 'assignee';
  values: string[];
}

/** @public */
export const integrationPermissionResourceRef = createPermissionResourceRef<
  IntegrationPermissionResource,
  ItsmSyncPermissionFilter
>().with({
  pluginId: 'itsm-sync',
  resourceType: ITSM_SYNC_INTEGRATION_RESOURCE_TYPE,
});

/** @public */
export const conflictPermissionResourceRef = createPermissionResourceRef<
  ConflictPermissionResource,
  ItsmSyncPermissionFilter
>().with({
  pluginId: 'itsm-sync',
  resourceType: ITSM_SYNC_CONFLICT_RESOURCE_TYPE,
});
