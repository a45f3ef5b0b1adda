import {
  itsmSyncPermissions,
  itsmSyncReadPermission,
  itsmSyncIntegrationManagePermission,
  itsmSyncConflictResolvePermission,
  itsmSyncIncidentWritePermission,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/** The RBAC roles (docs/sync-semantics.md#roles). */
export const ITSM_SYNC_ROLES = [
  'platform.administrator',
  'integration.manager',
  'incident_commander',
  'viewer',
] as const;
/** */
export type ItsmSyncRole = (typeof ITSM_SYNC_ROLES)[number];

/**
 * What each role may do (docs/sync-semantics.md#roles). The policy narrows two of them by scope: an
 * `integration.manager` may be given the integrations it manages, and an
 * `incident_commander` resolves conflicts of incidents assigned to it.
 */
export const ITSM_SYNC_ROLE_PERMISSIONS: Record<ItsmSyncRole, string[]> = {
  'platform.administrator': itsmSyncPermissions.map(p => p.name),
  'integration.manager': [
    itsmSyncReadPermission.name,
    itsmSyncIntegrationManagePermission.name,
    itsmSyncConflictResolvePermission.name,
    itsmSyncIncidentWritePermission.name,
  ],
  incident_commander: [
    itsmSyncReadPermission.name,
    itsmSyncConflictResolvePermission.name,
    itsmSyncIncidentWritePermission.name,
  ],
  viewer: [itsmSyncReadPermission.name],
};
