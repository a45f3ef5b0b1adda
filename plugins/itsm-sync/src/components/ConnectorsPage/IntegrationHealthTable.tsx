import {
  Cell,
  Column,
  Flex,
  Link,
  Table,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import {
  errorMessage,
  type IntegrationResponse,
  type SyncMetric,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { CallbackTokensButton } from '../CallbackTokens/CallbackTokensButton';
import { DraftPreviewButton } from '../DraftPreview/DraftPreviewButton';
import { ConfigureIntegrationButton } from '../IntegrationForm/IntegrationFormButtons';
import { SyncSparkline } from '../Charts/SyncSparkline';
import { HealthIndicator } from '../shared/HealthIndicator';
import { MetricLabel } from '../shared/MetricLabel';
import { useIntegrationLink } from '../shared/useRouteLink';
import { IgnoredEventsSummary } from './IgnoredEventsSummary';
import { RefusedWebhooksSummary } from './RefusedWebhooksSummary';
import {
  useIntegrationStatuses,
  type IntegrationHealthItem,
} from './useIntegrationStatuses';

/** The counters shown as columns (the rest are on each integration's page). */
const METRIC_COLUMNS: Array<SyncMetric | 'dlq_size'> = [
  'outbound_success',
  'outbound_failed',
  'inbound_success',
  'inbound_failed',
  'conflicts_detected',
  'drift_discrepancies',
  'dlq_size',
];

function metricColumn(
  metric: SyncMetric | 'dlq_size',
): ColumnConfig<IntegrationHealthItem> {
  return {
    id: metric,
    label: metric,
    minWidth: 104,
    header: () => (
      <Column id={metric} minWidth={104}>
        <MetricLabel metric={metric} />
      </Column>
    ),
    cell: item => {
      const value =
        metric === 'dlq_size'
          ? item.status?.dlq_size
          : item.status?.metrics[metric];
      return (
        <Cell aria-label={metric}>
          <Text variant="body-small">
            {item.status ? String(value ?? 0) : '–'}
          </Text>
        </Cell>
      );
    },
  };
}

/**
 * Configured integrations, one row each: health, the last hour's sync as a sparkline and
 * the sync counters under human labels (docs/sync-semantics.md#sync-metrics). The table
 * scrolls inside its own box when the window is narrow.
 */
export function IntegrationHealthTable(props: {
  integrations: IntegrationResponse[];
  /** Integration types whose connector accepts callback tokens. */
  callbackTokenTypes: ReadonlySet<string>;
}) {
  const { value, loading } = useIntegrationStatuses(props.integrations);
  const linkTo = useIntegrationLink();

  const columns: ColumnConfig<IntegrationHealthItem>[] = [
    {
      id: 'integration',
      label: 'Integration',
      isRowHeader: true,
      minWidth: 200,
      cell: ({ integration }) => (
        <Cell>
          <Flex align="center" gap="2">
            {linkTo ? (
              <Link
                href={linkTo(integration.id)}
                weight="bold"
                variant="body-small"
              >
                {integration.name}
              </Link>
            ) : (
              <Text variant="body-small" weight="bold">
                {integration.name}
              </Text>
            )}
            {props.callbackTokenTypes.has(integration.integration_type) && (
              <CallbackTokensButton integration={integration} />
            )}
            <DraftPreviewButton integration={integration} />
            <ConfigureIntegrationButton integration={integration} />
          </Flex>
          <Text as="div" variant="body-x-small" color="secondary">
            {`${integration.integration_type} · ${integration.sync_direction} · ${integration.conflict_strategy}`}
          </Text>
        </Cell>
      ),
    },
    {
      id: 'health',
      label: 'Health',
      minWidth: 180,
      cell: ({ status, error }) => (
        <Cell>
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
            <RefusedWebhooksSummary refusals={status.webhooks_refused ?? []} />
          )}
          {status && (
            <IgnoredEventsSummary events={status.ignored_events ?? []} />
          )}
        </Cell>
      ),
    },
    {
      id: 'trend',
      label: 'Last hour',
      minWidth: 150,
      cell: ({ integration }) => (
        <Cell>
          <SyncSparkline
            integrationId={integration.id}
            name={integration.name}
          />
        </Cell>
      ),
    },
    ...METRIC_COLUMNS.map(metricColumn),
  ];

  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={columns}
        data={value}
        isPending={loading && !value}
        pagination={{ type: 'none' }}
      />
    </div>
  );
}
