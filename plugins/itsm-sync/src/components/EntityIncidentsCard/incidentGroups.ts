import {
  INCIDENT_STATUSES,
  type IncidentResponse,
  type IncidentStatus,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

const DONE: ReadonlySet<IncidentStatus> = new Set(['resolved', 'closed']);

/**
 * The card's grouping: incidents still being worked on, newest first; resolved and
 * closed ones apart (folded away); and how many there are in each status.
 */
export function incidentGroups(incidents: IncidentResponse[]) {
  const newestFirst = [...incidents].sort((a, b) =>
    b.created_at.localeCompare(a.created_at),
  );
  return {
    active: newestFirst.filter(i => !DONE.has(i.status)),
    done: newestFirst.filter(i => DONE.has(i.status)),
    counts: INCIDENT_STATUSES.map(status => ({
      status,
      count: incidents.filter(i => i.status === status).length,
    })).filter(c => c.count > 0),
  };
}
