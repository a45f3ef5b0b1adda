import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  IntegrationResponse,
  SyncStatusResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';

/** One integration with its sync-status, or why the status could not be read. */
export interface IntegrationHealthItem {
  id: string;
  integration: IntegrationResponse;
  status?: SyncStatusResponse;
  error?: Error;
}

/** Every integration's sync-status, read together; one that fails leaves the others shown. */
export function useIntegrationStatuses(integrations: IntegrationResponse[]) {
  const api = useApi(itsmSyncApiRef);
  return useAsync(async (): Promise<IntegrationHealthItem[]> => {
    const statuses = await Promise.allSettled(
      integrations.map(i => api.getSyncStatus(i.id)),
    );
    return integrations.map((integration, n) => {
      const result = statuses[n];
      return result.status === 'fulfilled'
        ? { id: integration.id, integration, status: result.value }
        : { id: integration.id, integration, error: result.reason as Error };
    });
  }, [api, integrations]);
}
