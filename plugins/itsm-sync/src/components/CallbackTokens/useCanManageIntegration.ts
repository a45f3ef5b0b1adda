import { usePermission } from '@backstage/plugin-permission-react';
import { itsmSyncIntegrationManagePermission } from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * Whether the viewer holds itsm-sync.integration.manage, which every callback-token route
 * requires; the key is offered only to them. False while the answer is pending.
 */
export function useCanManageIntegration(): boolean {
  return usePermission({ permission: itsmSyncIntegrationManagePermission }).allowed;
}
