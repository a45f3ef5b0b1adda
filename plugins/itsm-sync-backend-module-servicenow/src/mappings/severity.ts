import type { Severity } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { priorityFor } from './priority';
import type { ServiceNowSettings } from './settings';

/** Impact and urgency (and the priority ServiceNow will derive) written for a severity. */
export function severityToServiceNow(
  severity: Severity,
  settings: ServiceNowSettings,
) {
  const { impact, urgency } = settings.severity_map[severity];
  return { impact, urgency, priority: priorityFor(impact, urgency) };
}

/**
 * The severity of a ServiceNow incident: an impact/urgency pair the severity map writes
 * reads back as that severity; any other pair goes through the priority it yields
 * (SEV-2 is both 1/2 and 2/1). With no urgency (the minimal business-rule
 * payload), the reported priority decides.
 */
export function severityFromServiceNow(
  values: { impact?: string; urgency?: string; priority?: string },
  settings: ServiceNowSettings,
): Severity | undefined {
  const { impact, urgency } = values;
  if (impact && urgency) {
    for (const [severity, pair] of Object.entries(settings.severity_map)) {
      if (pair.impact === impact && pair.urgency === urgency)
        return severity as Severity;
    }
    const derived = priorityFor(impact, urgency);
    if (derived) return settings.priority_map[derived];
  }
  return values.priority ? settings.priority_map[values.priority] : undefined;
}
