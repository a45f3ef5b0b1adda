import { usePermission } from '@backstage/plugin-permission-react';
import { itsmSyncIntegrationManagePermission } from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * Whether the viewer may manage this integration (itsm-sync.integration.manage, which every
 * callback-token route requires; a policy may scope it to some integrations). The key is
 * offered only to them. False while the answer is pending.
 */
export function useCanManageIntegration(integrationId: string): boolean {
  return usePermission({
    permission: itsmSyncIntegrationManagePermission,
    resourceRef: integrationId,
  }).allowed;
}
