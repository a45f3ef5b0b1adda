import useAsync from 'react-use/esm/useAsync';
import { EmptyState, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { IntegrationDlq } from './IntegrationDlq';

/** The dead-letter queue of every configured integration. */
export function DlqPage() {
  const api = useApi(itsmSyncApiRef);
  const { value: integrations, loading, error } = useAsync(() => api.listIntegrations(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!integrations?.length) {
    return <EmptyState missing="content" title="No integrations" description="Configure an integration first." />;
  }
  return (
    <Flex direction="column" gap="4">
      {integrations.map(integration => (
        <IntegrationDlq key={integration.id} integration={integration} />
      ))}
    </Flex>
  );
}
