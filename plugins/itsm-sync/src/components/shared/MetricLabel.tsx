import { useId } from 'react';
import {
  Focusable,
  Tooltip,
  TooltipTrigger,
  VisuallyHidden,
} from '@backstage/ui';
import type { SyncMetric } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { METRIC_LABELS } from './metricLabels';

/**
 * A metric's human label; hovering or focusing it shows the metric's name as sync-status,
 * the CLI and OpenTelemetry report it, which screen readers hear as its description.
 */
export function MetricLabel(props: { metric: SyncMetric | 'dlq_size' }) {
  const id = useId();
  return (
    <>
      <TooltipTrigger delay={300}>
        <Focusable>
          <button
            type="button"
            aria-describedby={id}
            style={{
              all: 'unset',
              cursor: 'help',
              textDecoration: 'underline dotted',
            }}
          >
            {METRIC_LABELS[props.metric]}
          </button>
        </Focusable>
        <Tooltip>{props.metric}</Tooltip>
      </TooltipTrigger>
      <VisuallyHidden id={id}>{props.metric}</VisuallyHidden>
    </>
  );
}
