import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  itsmSyncConflictResolvePermission,
  itsmSyncIntegrationManagePermission,
  itsmSyncPermissions,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { SyncStore } from '../store/SyncStore';
import {
  loadConflictResources,
  loadIntegrationResources,
} from './loadResources';
import {
  conflictPermissionResourceRef,
  integrationPermissionResourceRef,
} from './resources';
import { conflictPermissionRules, integrationPermissionRules } from './rules';

/**
 * Makes the plugin's permissions, its two resource types and their rules known to the
 * permission system. The resource loaders serve the permission backend when it applies a
 * conditional decision for another caller (the portal asks per integration and conflict).
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  store: SyncStore,
) {
  registry.addPermissions(itsmSyncPermissions);
  registry.addResourceType({
    resourceRef: integrationPermissionResourceRef,
    permissions: [itsmSyncIntegrationManagePermission],
    rules: Object.values(integrationPermissionRules),
    getResources: ids => loadIntegrationResources(store, ids),
  });
  registry.addResourceType({
    resourceRef: conflictPermissionResourceRef,
    permissions: [itsmSyncConflictResolvePermission],
    rules: Object.values(conflictPermissionRules),
    getResources: ids => loadConflictResources(store, ids),
  });
  return {
    integration: registry.getPermissionRuleset(
      integrationPermissionResourceRef,
    ),
    conflict: registry.getPermissionRuleset(conflictPermissionResourceRef),
  };
}

/** The rulesets the routes apply conditional decisions with. */
export type ItsmSyncPermissionRulesets = ReturnType<typeof registerPermissions>;
