import { createPermission } from '@backstage/plugin-permission-common';

/** Read integrations, sync status, links, conflicts, DLQ and reconcile history. @public */
export const itsmSyncReadPermission = createPermission({
  name: 'itsm-sync.read',
  attributes: { action: 'read' },
});

/** Create, change and delete integrations, ownership rules, schedules; act on the DLQ. @public */
export const itsmSyncIntegrationManagePermission = createPermission({
  name: 'itsm-sync.integration.manage',
  attributes: { action: 'update' },
});

/** Resolve conflicts queued for manual review. @public */
export const itsmSyncConflictResolvePermission = createPermission({
  name: 'itsm-sync.conflict.resolve',
  attributes: { action: 'update' },
});

/** Create and change platform incidents, and ask for a manual sync. @public */
export const itsmSyncIncidentWritePermission = createPermission({
  name: 'itsm-sync.incident.write',
  attributes: { action: 'update' },
});

/** Every permission of the plugin, for registration. @public */
export const itsmSyncPermissions = [
  itsmSyncReadPermission,
  itsmSyncIntegrationManagePermission,
  itsmSyncConflictResolvePermission,
  itsmSyncIncidentWritePermission,
];

/** The RBAC roles of spec 000. @public */
export const ITSM_SYNC_ROLES = [
  'platform.administrator',
  'integration.manager',
  'incident_commander',
  'viewer',
] as const;
/** @public */
export type ItsmSyncRole = (typeof ITSM_SYNC_ROLES)[number];

/**
 * What each role may do (spec 000, "RBAC"). Scope ("assigned scope", "assigned
 * incidents") is applied by the policy from the role's configuration.
 * @public
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
