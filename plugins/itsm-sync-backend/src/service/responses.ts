import { manualSyncCooldownEnd } from '../engine/manualSyncCooldown';
import type {
  ConflictResponse,
  IncidentLinkResponse,
  IncidentResponse,
  IntegrationResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { iso, isoOrNull } from '../store/rows';
import type {
  ConflictRecord,
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
} from '../store/types';

/** The API view of an integration: never the secrets, only which credential entries exist. */
export function integrationResponse(
  r: IntegrationRecord,
  baseUrl: string,
): IntegrationResponse {
  return {
    id: r.id,
    organization_id: r.organization_id,
    integration_type: r.integration_type,
    name: r.name,
    base_url: r.base_url,
    sync_direction: r.sync_direction,
    enabled: r.enabled,
    conflict_strategy: r.conflict_strategy,
    conflict_window_seconds: r.conflict_window_seconds,
    rate_limit: r.rate_limit,
    backoff_multiplier: r.backoff_multiplier,
    settings: r.settings,
    credential_keys: r.credential_keys,
    webhook_secret_count: r.webhook_secret_count,
    managed_by: r.managed_by ?? null,
    last_test: r.last_test
      ? {
          ok: r.last_test.ok,
          message: r.last_test.message,
          at: new Date(r.last_test.at).toISOString(),
        }
      : null,
    webhook_url: `${baseUrl}/v1/webhooks/${r.id}`,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export function linkResponse(
  link: LinkRecord,
  integration?: IntegrationRecord,
): IncidentLinkResponse {
  return {
    integration_id: link.integration_id,
    integration_name: integration?.name ?? '',
    integration_type: integration?.integration_type ?? '',
    incident_id: link.incident_id,
    external_id: link.external_id,
    external_key: link.external_key,
    external_url: link.external_url,
    sync_state: link.sync_state,
    last_synced_at: isoOrNull(link.last_synced_at),
    last_error: link.last_error,
    manual_sync_cooldown_until: isoOrNull(
      (integration && manualSyncCooldownEnd(link, integration)) ?? null,
    ),
    target: link.target,
    ticket_values: link.last_written,
  };
}

export function incidentResponse(
  i: IncidentRecord,
  links: LinkRecord[],
  integrations: Map<string, IntegrationRecord>,
): IncidentResponse {
  return {
    id: i.id,
    title: i.title,
    description: i.description,
    severity: i.severity,
    status: i.status,
    assigned_to: i.assigned_to,
    escalation_policy: i.escalation_policy,
    entity_ref: i.entity_ref,
    incident_type: i.incident_type,
    version: i.version,
    created_at: iso(i.created_at),
    updated_at: iso(i.updated_at),
    links: links.map(l => linkResponse(l, integrations.get(l.integration_id))),
  };
}

export function conflictResponse(c: ConflictRecord): ConflictResponse {
  return {
    id: c.id,
    integration_id: c.integration_id,
    incident_id: c.incident_id,
    field: c.field,
    platform_value: c.platform_value,
    platform_changed_at: iso(c.platform_changed_at),
    external_value: c.external_value,
    external_changed_at: iso(c.external_changed_at),
    status: c.status,
    resolution: c.resolution,
    resolved_by: c.resolved_by,
    resolved_at: isoOrNull(c.resolved_at),
    created_at: iso(c.created_at),
  };
}
