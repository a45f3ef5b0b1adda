import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { PageContent } from './PageContent';

/**
 * A page with a section per configured integration, under what comes `before` them:
 * loading, a failed read and "no integrations yet" are shown here once for every such page.
 */
export function EveryIntegration(props: {
  before?: ReactNode;
  children: (integration: IntegrationResponse) => ReactNode;
}) {
  const api = useApi(itsmSyncApiRef);
  const {
    value: integrations,
    loading,
    error,
  } = useAsync(() => api.listIntegrations(), [api]);
  if (loading) return <Progress />;
  return (
    <PageContent>
      {error && <ResponseErrorPanel error={error} />}
      {!error && !integrations?.length && (
        <EmptyState
          missing="content"
          title="No integrations"
          description="Configure an integration first."
        />
      )}
      {!!integrations?.length && props.before}
      {integrations?.map(props.children)}
    </PageContent>
  );
}
