import type { IncidentStatus } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { ServiceNowSettings } from './settings';

/**
 * The columns that put a ticket in a platform status. Open writes In Progress (2)
 * except on a new ticket (New, 1); On Hold (3) carries its hold_reason; Resolved (6)
 * and Closed (7) carry close_code and close_notes, which ServiceNow's data policy
 * requires.
 */
export function statusToServiceNow(
  status: IncidentStatus,
  settings: ServiceNowSettings,
  options: { creating?: boolean } = {},
): Record<string, string> {
  const state =
    status === 'open' && options.creating
      ? settings.state_map.new
      : settings.state_map[status];
  const columns: Record<string, string> = { state };
  if (state === '3') columns.hold_reason = settings.hold_reason;
  if (state === '6' || state === '7') {
    columns.close_code = settings.close_code;
    columns.close_notes = settings.close_notes;
  }
  return columns;
}

/** The platform status of a ServiceNow state (1/2 open, 3/4 mitigated, 6 resolved, 7/8 closed). */
export function statusFromServiceNow(
  state: string | undefined,
  settings: ServiceNowSettings,
): IncidentStatus | undefined {
  return state === undefined ? undefined : settings.state_read_map[state];
}
