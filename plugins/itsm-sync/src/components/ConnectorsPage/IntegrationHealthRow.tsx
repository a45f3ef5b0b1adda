import useAsync from 'react-use/esm/useAsync';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import {
  errorMessage,
  SYNC_METRICS,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { CallbackTokensButton } from '../CallbackTokens/CallbackTokensButton';
import { ConfigureIntegrationButton } from '../IntegrationForm/IntegrationFormButtons';
import { HealthIndicator } from '../shared/HealthIndicator';
import { IgnoredEventsSummary } from './IgnoredEventsSummary';

/**
 * One configured integration with its health, the sync metrics (docs/sync-semantics.md#sync-metrics) and the webhook events
 * acknowledged without action, from sync-status; the
 * key to its callback tokens sits by its name, where it stays in view on a narrow screen.
 */
export function IntegrationHealthRow(props: {
  integration: IntegrationResponse;
  /** Its connector accepts callback tokens. */
  callbackTokens: boolean;
}) {
  const { integration } = props;
  const api = useApi(itsmSyncApiRef);
  const {
    value: status,
    loading,
    error,
  } = useAsync(() => api.getSyncStatus(integration.id), [api, integration.id]);

  return (
    <tr aria-label={`Integration ${integration.name}`}>
      <td>
        <Flex align="center" gap="2">
          <Text variant="body-small" weight="bold">
            {integration.name}
          </Text>
          {props.callbackTokens && (
            <CallbackTokensButton integration={integration} />
          )}
          <ConfigureIntegrationButton integration={integration} />
        </Flex>
        <Text as="div" variant="body-x-small" color="secondary">
          {`${integration.integration_type} · ${integration.sync_direction} · ${integration.conflict_strategy}`}
        </Text>
      </td>
      <td>
        {loading && <Progress />}
        {error && (
          <Text variant="body-small" color="danger">
            {errorMessage(error)}
          </Text>
        )}
        {status && <HealthIndicator health={status.health} />}
        {status?.last_error && (
          <Text as="div" variant="body-x-small" color="danger">
            {status.last_error}
          </Text>
        )}
        {status && (
          <IgnoredEventsSummary events={status.ignored_events ?? []} />
        )}
      </td>
      {SYNC_METRICS.map(metric => (
        <td key={metric} aria-label={metric}>
          {status ? String(status.metrics[metric] ?? 0) : ''}
        </td>
      ))}
      <td aria-label="dlq_size">{status ? String(status.dlq_size) : ''}</td>
    </tr>
  );
}
