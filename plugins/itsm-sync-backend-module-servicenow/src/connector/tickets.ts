import type { ExternalTicket } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { fromServiceNowColumns } from '../mappings/fields';
import { fromGlideDateTime } from '../mappings/glideDateTime';
import type { ServiceNowRecord } from '../mappings/record';
import type { ServiceNowSettings } from '../mappings/settings';

/** A Table API incident as the hub's normalised ticket. */
export function toExternalTicket(
  record: ServiceNowRecord,
  settings: ServiceNowSettings,
  baseUrl: string,
): ExternalTicket {
  const v = (column: string) => record[column]?.value;
  const sysId = v('sys_id') ?? '';
  return {
    externalId: sysId,
    externalKey: v('number') || undefined,
    url: `${baseUrl.replace(/\/$/, '')}/nav_to.do?uri=incident.do?sys_id=${sysId}`,
    fields: fromServiceNowColumns(
      {
        short_description: v('short_description'),
        description: v('description'),
        impact: v('impact'),
        urgency: v('urgency'),
        priority: v('priority'),
        state: v('state'),
        assignee: record.assigned_to
          ? record.assigned_to.display || record.assigned_to.value
          : undefined,
      },
      settings,
    ),
    updatedAt:
      fromGlideDateTime(v('sys_updated_on')) ?? new Date(0).toISOString(),
    dedupKey: v('correlation_id') || undefined,
  };
}
