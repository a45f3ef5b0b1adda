import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Integrations as a permission resource: a policy may allow managing only some of them
 * (manage integrations in assigned scope; docs/sync-semantics.md#roles). The resource ref is the
 * integration id. @public
 */
export const ITSM_SYNC_INTEGRATION_RESOURCE_TYPE = 'itsm-sync-integration';

/**
 * Conflicts as a permission resource: a policy may allow resolving only some of them
 * (resolve conflicts for assigned incidents; docs/sync-semantics.md#roles). The resource ref is the
 * conflict id. @public
 */
export const ITSM_SYNC_CONFLICT_RESOURCE_TYPE = 'itsm-sync-conflict';

/** Read integrations, sync status, links, conflicts, DLQ and reconcile history. @public */
export const itsmSyncReadPermission = createPermission({
  name: 'itsm-sync.read',
  attributes: { action: 'read' },
});

/**
 * Create, change and delete an integration, its ownership rules, schedule and callback
 * tokens; act on its DLQ. Checked against the integration. @public
 */
export const itsmSyncIntegrationManagePermission = createPermission({
  name: 'itsm-sync.integration.manage',
  attributes: { action: 'update' },
  resourceType: ITSM_SYNC_INTEGRATION_RESOURCE_TYPE,
});

/** Resolve a conflict queued for manual review. Checked against the conflict. @public */
export const itsmSyncConflictResolvePermission = createPermission({
  name: 'itsm-sync.conflict.resolve',
  attributes: { action: 'update' },
  resourceType: ITSM_SYNC_CONFLICT_RESOURCE_TYPE,
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
