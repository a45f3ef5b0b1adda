import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip as ChartTooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import type { MetricSeriesPoint } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { CHART_COLORS } from './chartColors';

/** One line of a chart: which value of a point, its name in the legend, its colour. */
export interface ChartLine {
  key: keyof Omit<MetricSeriesPoint, 'at'>;
  name: string;
  color: string;
}

/**
 * A card with one chart of a metric series; its heading names what it shows and a line
 * of text states the latest values, for screen readers and for a quick read.
 */
export function SyncChart(props: {
  title: string;
  points: MetricSeriesPoint[];
  lines: ChartLine[];
  stepSeconds: number;
  unit?: string;
}) {
  const { points, lines, stepSeconds, unit } = props;
  const data = points.map(p => ({ ...p, label: tickLabel(p.at, stepSeconds) }));
  const latest = [...points]
    .reverse()
    .find(p => lines.some(l => p[l.key] !== null));
  const summary = latest
    ? lines.map(l => `${l.name} ${formatValue(latest[l.key], unit)}`).join(', ')
    : 'No data yet';
  const peak = lines
    .map(l => {
      const values = points
        .map(p => p[l.key])
        .filter((v): v is number => typeof v === 'number');
      return values.length
        ? `${l.name} ${formatValue(Math.max(...values), unit)}`
        : undefined;
    })
    .filter(Boolean)
    .join(', ');
  return (
    <Card aria-label={props.title}>
      <CardHeader>
        <Text as="h3" variant="title-x-small">
          {props.title}
        </Text>
        <Text as="p" variant="body-x-small" color="secondary">
          {`Latest: ${summary}`}
        </Text>
        {peak && (
          <Text as="p" variant="body-x-small" color="secondary">
            {`Highest: ${peak}`}
          </Text>
        )}
      </CardHeader>
      <CardBody>
        <figure
          aria-label={`${props.title} chart`}
          style={{ margin: 0, width: '100%', height: 200, minWidth: 0 }}
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart
              data={data}
              margin={{ top: 4, right: 8, bottom: 0, left: -16 }}
            >
              <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 3" />
              <XAxis
                dataKey="label"
                stroke={CHART_COLORS.text}
                tick={{ fontSize: 11 }}
                minTickGap={24}
              />
              <YAxis
                stroke={CHART_COLORS.text}
                tick={{ fontSize: 11 }}
                allowDecimals={false}
              />
              <ChartTooltip
                contentStyle={{
                  background: 'var(--bui-bg-surface-1, #fff)',
                  border: `1px solid ${CHART_COLORS.grid}`,
                  color: 'var(--bui-fg-primary, #000)',
                }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {lines.map(line => (
                <Line
                  key={line.key}
                  type="monotone"
                  dataKey={line.key}
                  name={line.name}
                  stroke={line.color}
                  strokeWidth={2}
                  // Too few points for a line (a hub started minutes ago): draw them as dots.
                  dot={
                    points.filter(p => p[line.key] !== null).length <= 2
                      ? { r: 3 }
                      : false
                  }
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      </CardBody>
    </Card>
  );
}

function tickLabel(at: string, stepSeconds: number): string {
  const date = new Date(at);
  return stepSeconds >= 3600
    ? date.toLocaleString(undefined, { weekday: 'short', hour: '2-digit' })
    : date.toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit',
      });
}

function formatValue(value: unknown, unit?: string): string {
  if (value === null || value === undefined) return '–';
  return unit ? `${value} ${unit}` : String(value);
}
