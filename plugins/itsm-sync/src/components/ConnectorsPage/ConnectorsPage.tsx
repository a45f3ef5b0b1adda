import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Grid, Text } from '@backstage/ui';
import { PageContent } from '../shared/PageContent';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { callbackTokenTypes } from '../CallbackTokens/callbackTokenTypes';
import { IntegrationDlq } from '../DlqPage/IntegrationDlq';
import {
  AddIntegrationButton,
  IntegrationsChanged,
} from '../IntegrationForm/IntegrationFormButtons';
import { ConnectorCard } from './ConnectorCard';
import { IntegrationHealthTable } from './IntegrationHealthTable';

/**
 * The connectors marketplace: installed connector modules, the integrations configured
 * on them with health and metrics, and each integration's dead-letter queue.
 */
export function ConnectorsPage() {
  const api = useApi(itsmSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [connectors, integrations] = await Promise.all([
      api.listConnectors(),
      api.listIntegrations(),
    ]);
    return { connectors, integrations };
  }, [api]);

  // Only the first load shows progress; a reload after a save keeps the page in place.
  if (loading && !value) return <Progress />;
  if (error)
    return (
      <PageContent>
        <ResponseErrorPanel error={error} />
      </PageContent>
    );
  const { connectors, integrations } = value!;

  return (
    <IntegrationsChanged.Provider value={retry}>
      <PageContent>
        <section aria-label="Installed connectors">
          <Text as="h2" variant="title-small">
            Installed connectors
          </Text>
          {connectors.length === 0 ? (
            <EmptyState
              missing="content"
              title="No connector modules installed"
              description="Add a connector module to the backend."
            />
          ) : (
            <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
              {connectors.map(connector => (
                <ConnectorCard key={connector.type} connector={connector} />
              ))}
            </Grid.Root>
          )}
        </section>
        <section aria-label="Configured integrations">
          <Flex justify="between" align="center">
            <Text as="h2" variant="title-small">
              Configured integrations
            </Text>
            <AddIntegrationButton />
          </Flex>
          {integrations.length === 0 ? (
            <EmptyState
              missing="content"
              title="No integrations configured yet"
              description="Add one here, with `im integration configure`, or in app-config under itsmSync.integrations."
            />
          ) : (
            <IntegrationHealthTable
              integrations={integrations}
              callbackTokenTypes={callbackTokenTypes(connectors)}
            />
          )}
        </section>
        {integrations.length > 0 && (
          <section aria-label="Dead-letter queues">
            <Text as="h2" variant="title-small">
              Dead-letter queues
            </Text>
            <Flex direction="column" gap="3">
              {integrations.map(integration => (
                <IntegrationDlq
                  key={integration.id}
                  integration={integration}
                />
              ))}
            </Flex>
          </section>
        )}
      </PageContent>
    </IntegrationsChanged.Provider>
  );
}
