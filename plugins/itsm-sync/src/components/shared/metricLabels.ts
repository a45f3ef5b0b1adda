import type { SyncMetric } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** What people call each sync metric (docs/sync-semantics.md#sync-metrics); the metric's own name goes in a tooltip. */
export const METRIC_LABELS: Record<SyncMetric | 'dlq_size', string> = {
  outbound_success: 'Sent',
  outbound_failed: 'Failed out',
  inbound_success: 'Received',
  inbound_failed: 'Failed in',
  conflicts_detected: 'Conflicts',
  conflicts_resolved: 'Resolved',
  drift_discrepancies: 'Drift',
  dlq_size: 'DLQ',
};
