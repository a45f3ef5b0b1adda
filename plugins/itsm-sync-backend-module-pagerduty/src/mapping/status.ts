import type { IncidentStatus } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** PagerDuty incident statuses. */
export type PagerDutyStatus = 'triggered' | 'acknowledged' | 'resolved';

const TO_PAGERDUTY: Record<IncidentStatus, PagerDutyStatus> = {
  open: 'triggered',
  mitigated: 'acknowledged',
  resolved: 'resolved',
  // PagerDuty has no "closed": both end states become resolved (docs/connectors/pagerduty.md#status-mapping).
  closed: 'resolved',
};

const FROM_PAGERDUTY: Record<PagerDutyStatus, IncidentStatus> = {
  triggered: 'open',
  acknowledged: 'mitigated',
  resolved: 'resolved',
};

export function statusToPagerDuty(status: IncidentStatus): PagerDutyStatus {
  return TO_PAGERDUTY[status];
}

/** Undefined for a status PagerDuty does not document. */
export function statusFromPagerDuty(
  status: unknown,
): IncidentStatus | undefined {
  return typeof status === 'string'
    ? FROM_PAGERDUTY[status as PagerDutyStatus]
    : undefined;
}

export const STATUS_MAPPING = (
  Object.keys(TO_PAGERDUTY) as IncidentStatus[]
).map(platform => ({
  platform,
  external: TO_PAGERDUTY[platform],
}));
