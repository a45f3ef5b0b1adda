import type { PagerDutySettings } from '../connector/settings';

/**
 * The PagerDuty service a new incident opens on: the service mapped to the incident's
 * type (`service-mapping add`, docs/connectors/pagerduty.md#service-selection), else the default service, else the first mapping.
 * The platform keeps no separate incident type, so the type is matched against the
 * incident's catalog entity (the full ref or its name, e.g. `infrastructure`).
 */
export function serviceForIncident(
  settings: PagerDutySettings,
  incident: { entity_ref: string | null; incident_type?: string | null },
): string | undefined {
  const candidates = new Set<string>();
  if (incident.incident_type)
    candidates.add(incident.incident_type.toLowerCase());
  if (incident.entity_ref) {
    candidates.add(incident.entity_ref.toLowerCase());
    candidates.add(incident.entity_ref.replace(/^.*[:/]/, '').toLowerCase());
  }
  const mapped = settings.serviceMappings.find(m =>
    candidates.has(m.incident_type.toLowerCase()),
  );
  return (
    mapped?.pd_service ??
    settings.defaultServiceId ??
    settings.serviceMappings[0]?.pd_service
  );
}

/** The incident type a PagerDuty service maps to, for incidents triggered in PagerDuty. */
export function incidentTypeForService(
  settings: PagerDutySettings,
  serviceId: string | undefined,
): string | undefined {
  return serviceId
    ? settings.serviceMappings.find(m => m.pd_service === serviceId)
        ?.incident_type
    : undefined;
}

/**
 * Why an incident triggered in PagerDuty opens no platform incident, if it does not: the
 * integration's scope is the services it names (`default_service_id` and the services of
 * `service_mappings`), and `inbound_create: false` turns inbound creation off.
 */
export function inboundCreationRefusal(
  settings: PagerDutySettings,
  serviceId: string | undefined,
  inboundCreate: boolean,
): string | undefined {
  if (!inboundCreate)
    return 'inbound creation is turned off (settings.inbound_create)';
  const scope = new Set(
    [
      settings.defaultServiceId,
      ...settings.serviceMappings.map(m => m.pd_service),
    ].filter(Boolean),
  );
  if (!scope.size)
    return 'the integration names no PagerDuty service (default_service_id or service_mappings), so nothing opens from PagerDuty';
  if (!serviceId || !scope.has(serviceId))
    return "the incident's service is neither the integration's default_service_id nor a mapped service";
  return undefined;
}
