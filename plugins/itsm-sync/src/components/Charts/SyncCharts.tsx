import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Flex,
  Grid,
  Text,
  ToggleButton,
  ToggleButtonGroup,
} from '@backstage/ui';
import type { MetricSeriesWindow } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { CHART_COLORS } from './chartColors';
import { SyncChart } from './SyncChart';

const WINDOWS: Array<{ id: MetricSeriesWindow; label: string }> = [
  { id: '1h', label: 'Last hour' },
  { id: '1d', label: 'Last day' },
  { id: '1w', label: 'Last week' },
];

/**
 * An integration's sync over time (docs/sync-semantics.md#metric-series): changes out and
 * in, failures and conflicts, propagation latency, outbox backlog and DLQ size.
 */
export function SyncCharts(props: { integrationId: string }) {
  const api = useApi(itsmSyncApiRef);
  const [window, setWindow] = useState<MetricSeriesWindow>('1h');
  const { value, loading, error } = useAsync(
    () => api.getMetricSeries(props.integrationId, window),
    [api, props.integrationId, window],
  );

  return (
    <section aria-label="Sync over time">
      <Flex direction="column" gap="3">
        <Flex align="center" justify="between" gap="3">
          <Text as="h2" variant="title-small">
            Sync over time
          </Text>
          <ToggleButtonGroup
            aria-label="Time window"
            selectionMode="single"
            disallowEmptySelection
            selectedKeys={[window]}
            onSelectionChange={keys => {
              const [next] = [...keys];
              if (next) setWindow(next as MetricSeriesWindow);
            }}
          >
            {WINDOWS.map(w => (
              <ToggleButton key={w.id} id={w.id}>
                {w.label}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        </Flex>
        {loading && !value && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <Grid.Root columns={{ initial: '1', lg: '2' }} gap="4">
            <SyncChart
              title="Changes per minute"
              points={value.points}
              stepSeconds={value.step_seconds}
              lines={[
                {
                  key: 'outbound_per_minute',
                  name: 'Sent',
                  color: CHART_COLORS.primary,
                },
                {
                  key: 'inbound_per_minute',
                  name: 'Received',
                  color: CHART_COLORS.secondary,
                },
              ]}
            />
            <SyncChart
              title="Failures and conflicts"
              points={value.points}
              stepSeconds={value.step_seconds}
              lines={[
                {
                  key: 'failures',
                  name: 'Failures',
                  color: CHART_COLORS.danger,
                },
                {
                  key: 'conflicts',
                  name: 'Conflicts',
                  color: CHART_COLORS.warning,
                },
              ]}
            />
            <SyncChart
              title="Propagation latency"
              points={value.points}
              stepSeconds={value.step_seconds}
              unit="ms"
              lines={[
                {
                  key: 'latency_p50_ms',
                  name: 'p50',
                  color: CHART_COLORS.primary,
                },
                {
                  key: 'latency_p95_ms',
                  name: 'p95',
                  color: CHART_COLORS.warning,
                },
              ]}
            />
            <SyncChart
              title="Backlog and dead letters"
              points={value.points}
              stepSeconds={value.step_seconds}
              lines={[
                {
                  key: 'outbox_backlog',
                  name: 'Outbox backlog',
                  color: CHART_COLORS.primary,
                },
                {
                  key: 'dlq_size',
                  name: 'DLQ size',
                  color: CHART_COLORS.danger,
                },
              ]}
            />
          </Grid.Root>
        )}
      </Flex>
    </section>
  );
}
