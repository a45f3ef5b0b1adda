import type { Severity } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** PagerDuty urgencies. */
export type PagerDutyUrgency = 'high' | 'low';

/*
 * Severity maps to urgency (docs/connectors/pagerduty.md#severity-mapping): SEV-1/2 -> high, SEV-3/4 -> low. Urgency alone would
 * lose a bit on the way back, so the severity is also carried as the incident's priority
 * (SEV-n -> Pn, PagerDuty's standard priority names). Reading back, the priority wins;
 * without one (priorities disabled on the account, or cleared by a person), the urgency
 * is read as the more severe of its pair: high -> SEV-1, low -> SEV-3, so a severity is
 * never understated.
 */

const URGENCY: Record<Severity, PagerDutyUrgency> = {
  'SEV-1': 'high',
  'SEV-2': 'high',
  'SEV-3': 'low',
  'SEV-4': 'low',
};

const PRIORITY_NAME: Record<Severity, string> = {
  'SEV-1': 'P1',
  'SEV-2': 'P2',
  'SEV-3': 'P3',
  'SEV-4': 'P4',
};

export function urgencyForSeverity(severity: Severity): PagerDutyUrgency {
  return URGENCY[severity];
}

export function priorityNameForSeverity(severity: Severity): string {
  return PRIORITY_NAME[severity];
}

/** P1..P4 map back one to one; P5 (informational) and lower become SEV-4. */
function severityFromPriorityName(name: unknown): Severity | undefined {
  const match = typeof name === 'string' ? /^P(\d+)$/i.exec(name.trim()) : null;
  if (!match) return undefined;
  const n = Number(match[1]);
  if (n < 1) return undefined;
  return n >= 4 ? 'SEV-4' : (`SEV-${n}` as Severity);
}

function severityFromUrgency(urgency: unknown): Severity | undefined {
  if (urgency === 'high') return 'SEV-1';
  if (urgency === 'low') return 'SEV-3';
  return undefined;
}

/** The platform severity of a PagerDuty incident: priority first, urgency otherwise. */
export function severityFromPagerDuty(incident: {
  urgency?: unknown;
  priority?: { id?: unknown; summary?: unknown; name?: unknown } | null;
}): Severity | undefined {
  const priority = incident.priority;
  return (
    severityFromPriorityName(priority?.name ?? priority?.summary) ??
    severityFromUrgency(incident.urgency)
  );
}

export const SEVERITY_MAPPING = (Object.keys(URGENCY) as Severity[]).map(
  platform => ({
    platform,
    external: `${URGENCY[platform]} (priority ${PRIORITY_NAME[platform]})`,
  }),
);
