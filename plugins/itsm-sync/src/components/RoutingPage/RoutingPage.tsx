import useAsync from 'react-use/esm/useAsync';
import { EmptyState, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { IntegrationRoutingEditor } from './IntegrationRoutingEditor';
import { RoutingTryForm } from './RoutingTryForm';

/** Routing (docs/DESIGN.md, "Routing"): try an incident, and edit each integration's rules. */
export function RoutingPage() {
  const api = useApi(itsmSyncApiRef);
  const { value: integrations, loading, error } = useAsync(() => api.listIntegrations(), [api]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!integrations?.length) {
    return <EmptyState missing="content" title="No integrations" description="Configure an integration first." />;
  }
  return (
    <Flex direction="column" gap="4">
      <RoutingTryForm />
      {integrations.map(integration => (
        <IntegrationRoutingEditor key={integration.id} integration={integration} />
      ))}
    </Flex>
  );
}
