/** One row of `im integration service-mapping add --pd-service --incident-type` (docs/connectors/pagerduty.md#service-selection). @public */
export interface ServiceMapping {
  pd_service: string;
  incident_type: string;
}

/** The PagerDuty settings of an integration, validated. @public */
export interface PagerDutySettings {
  /** The PagerDuty user's email sent as `From` on every write. */
  fromEmail?: string;
  /** The service new incidents open on when no mapping matches. */
  defaultServiceId?: string;
  serviceMappings: ServiceMapping[];
  /** `--sync-escalations`: escalations also update the platform's escalation policy. */
  syncEscalations: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// PagerDuty ids are upper-case alphanumerics (PABC123; newer objects are longer).
const PD_ID = /^[A-Z0-9]{2,32}$/;

/**
 * Reads `settings`; throws an Error naming the bad setting. Every key is optional so
 * that the minimal create body is accepted; what is missing is reported by the
 * connectivity test and by the first write that needs it.
 */
export function parseSettings(
  raw: Record<string, unknown> = {},
): PagerDutySettings {
  const settings: PagerDutySettings = {
    serviceMappings: [],
    syncEscalations: false,
  };
  if (raw.from_email !== undefined && raw.from_email !== null) {
    if (
      typeof raw.from_email !== 'string' ||
      !EMAIL.test(raw.from_email.trim())
    ) {
      throw new Error(
        'settings.from_email must be the email address of a PagerDuty user (sent as the From header)',
      );
    }
    settings.fromEmail = raw.from_email.trim();
  }
  if (raw.default_service_id !== undefined && raw.default_service_id !== null) {
    if (
      typeof raw.default_service_id !== 'string' ||
      !PD_ID.test(raw.default_service_id)
    ) {
      throw new Error(
        'settings.default_service_id must be a PagerDuty service id such as PABC123',
      );
    }
    settings.defaultServiceId = raw.default_service_id;
  }
  if (raw.service_mappings !== undefined && raw.service_mappings !== null) {
    if (!Array.isArray(raw.service_mappings)) {
      throw new Error(
        'settings.service_mappings must be an array of {pd_service, incident_type}',
      );
    }
    settings.serviceMappings = raw.service_mappings.map((m, i) => {
      const where = `settings.service_mappings[${i}]`;
      if (!m || typeof m !== 'object')
        throw new Error(
          `${where} must be an object {pd_service, incident_type}`,
        );
      const { pd_service, incident_type } = m as Record<string, unknown>;
      if (typeof pd_service !== 'string' || !PD_ID.test(pd_service)) {
        throw new Error(
          `${where}.pd_service must be a PagerDuty service id such as P123ABC`,
        );
      }
      if (typeof incident_type !== 'string' || !incident_type.trim()) {
        throw new Error(`${where}.incident_type must be a non-empty string`);
      }
      return { pd_service, incident_type: incident_type.trim() };
    });
    const types = settings.serviceMappings.map(m =>
      m.incident_type.toLowerCase(),
    );
    const dup = types.find((t, i) => types.indexOf(t) !== i);
    if (dup)
      throw new Error(
        `settings.service_mappings maps incident type "${dup}" twice`,
      );
  }
  if (raw.sync_escalations !== undefined && raw.sync_escalations !== null) {
    if (typeof raw.sync_escalations !== 'boolean')
      throw new Error('settings.sync_escalations must be true or false');
    settings.syncEscalations = raw.sync_escalations;
  }
  return settings;
}
