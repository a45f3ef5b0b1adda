import useAsync from 'react-use/esm/useAsync';
import { Line, LineChart } from 'recharts';
import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { CHART_COLORS } from './chartColors';

/** Changes sent per minute over the last hour, as a small line for a table cell. */
export function SyncSparkline(props: { integrationId: string; name: string }) {
  const api = useApi(itsmSyncApiRef);
  const { value, error } = useAsync(
    () => api.getMetricSeries(props.integrationId, '1h'),
    [api, props.integrationId],
  );
  if (error)
    return (
      <Text variant="body-x-small" color="secondary">
        no history
      </Text>
    );
  if (!value) return null;
  const points = value.points.map(p => ({
    out: p.outbound_per_minute,
    in: p.inbound_per_minute,
  }));
  // A hub started minutes ago has too few minutes for a line: dots then.
  const dot = points.filter(p => p.out !== null).length <= 2 ? { r: 2 } : false;
  const sent = value.points.reduce(
    (sum, p) => sum + (p.outbound_per_minute ?? 0),
    0,
  );
  const received = value.points.reduce(
    (sum, p) => sum + (p.inbound_per_minute ?? 0),
    0,
  );
  const summary = `${Math.round(sent)} sent, ${Math.round(received)} received in the last hour`;
  return (
    <figure
      aria-label={`Sync of ${props.name} in the last hour`}
      title={summary}
      style={{ margin: 0 }}
    >
      <LineChart width={120} height={32} data={points} aria-hidden="true">
        <Line
          type="monotone"
          dataKey="out"
          stroke={CHART_COLORS.primary}
          strokeWidth={1.5}
          dot={dot}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="in"
          stroke={CHART_COLORS.secondary}
          strokeWidth={1.5}
          dot={dot}
          isAnimationActive={false}
        />
      </LineChart>
      <figcaption>
        <Text variant="body-x-small" color="secondary">
          {summary}
        </Text>
      </figcaption>
    </figure>
  );
}
