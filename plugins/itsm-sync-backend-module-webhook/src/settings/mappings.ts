import type { IncidentStatus } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { ValueMappings } from '../template/variables';
import type { WebhookSettings } from './webhookSettings';

/** Outbound value mappings of an integration: case status -> ITSM status, severity -> priority. */
export function valueMappings(settings: WebhookSettings): ValueMappings {
  return {
    outboundStatus(status) {
      // Many ITSM statuses may map to one case status; the first one listed is the one sent.
      for (const { itsm, status: mapped } of settings.statusMapping.values()) {
        if (mapped === status) return itsm;
      }
      return status;
    },
    priority(severity) {
      return settings.severityMapping[severity] ?? severity;
    },
  };
}

/** The case status an ITSM status maps to (case-insensitive), or undefined. */
export function inboundStatus(
  settings: WebhookSettings,
  itsmStatus: string,
): IncidentStatus | undefined {
  return settings.statusMapping.get(itsmStatus.trim().toLowerCase())?.status;
}
