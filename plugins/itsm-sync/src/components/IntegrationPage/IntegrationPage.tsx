import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRefParams } from '@backstage/frontend-plugin-api';
import { Header } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { integrationRouteRef } from '../../routes';
import { SyncCharts } from '../Charts/SyncCharts';
import { IntegrationDlq } from '../DlqPage/IntegrationDlq';
import { PageContent } from '../shared/PageContent';
import { Section } from '../shared/Section';
import { IntegrationHealth } from './IntegrationHealth';
import { IntegrationSettings } from './IntegrationSettings';
import { OwnershipRules } from './OwnershipRules';
import { ReconcileHistory } from './ReconcileHistory';

/**
 * One integration (from the connectors page): health, its sync over time, settings
 * (read-only), field ownership, reconcile history and dead-letter queue.
 */
export function IntegrationPage() {
  const { id } = useRouteRefParams(integrationRouteRef);
  const api = useApi(itsmSyncApiRef);
  const { value, loading, error } = useAsync(async () => {
    const integration = await api.getIntegration(id);
    const status = await api.getSyncStatus(integration.id);
    return { integration, status };
  }, [api, id]);

  if (loading) return <Progress />;
  if (error || !value)
    return (
      <PageContent>
        <ResponseErrorPanel
          error={error ?? new Error(`No integration ${id}`)}
        />
      </PageContent>
    );
  const { integration, status } = value;
  return (
    <>
      <Header
        title={integration.name}
        description={`${integration.integration_type} · ${integration.sync_direction} · ${integration.conflict_strategy}`}
      />
      <PageContent>
        <Section title="Health">
          <IntegrationHealth status={status} />
        </Section>
        <SyncCharts integrationId={integration.id} />
        <Section title="Settings">
          <IntegrationSettings integration={integration} />
        </Section>
        <Section title="Field ownership">
          <OwnershipRules integrationId={integration.id} />
        </Section>
        <Section title="Reconcile history">
          <ReconcileHistory integrationId={integration.id} />
        </Section>
        <Section title="Dead-letter queue">
          <IntegrationDlq integration={integration} />
        </Section>
      </PageContent>
    </>
  );
}
