import { Focusable, Tooltip, TooltipTrigger } from '@backstage/ui';
import type { SyncMetric } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { METRIC_LABELS } from './metricLabels';

/**
 * A metric's human label; hovering or focusing it shows the metric's name as sync-status,
 * the CLI and OpenTelemetry report it.
 */
export function MetricLabel(props: { metric: SyncMetric | 'dlq_size' }) {
  return (
    <TooltipTrigger delay={300}>
      <Focusable>
        <span
          role="term"
          tabIndex={0}
          aria-description={props.metric}
          style={{ textDecoration: 'underline dotted', cursor: 'help' }}
        >
          {METRIC_LABELS[props.metric]}
        </span>
      </Focusable>
      <Tooltip>{props.metric}</Tooltip>
    </TooltipTrigger>
  );
}
