import type {
  CallbackTokenResponse,
  ConnectorInfoResponse,
  DlqEntryResponse,
  IncidentLinkResponse,
  IncidentResponse,
  IntegrationResponse,
  SyncStatusResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { ConflictDetailsResponse as ConflictDetails } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** Builders for API responses with realistic defaults; tests override what they assert on. */

export function aLink(
  overrides: Partial<IncidentLinkResponse> = {},
): IncidentLinkResponse {
  return {
    integration_id: 'int-snow',
    integration_name: 'prod-snow',
    integration_type: 'servicenow',
    incident_id: 'inc-1',
    external_id: 'a1b2c3',
    external_key: 'INC0010001',
    external_url: 'http://snow.example/incident/a1b2c3',
    sync_state: 'in_sync',
    last_synced_at: '2025-01-02T03:04:05.000Z',
    last_error: null,
    manual_sync_cooldown_until: null,
    target: null,
    ticket_values: { severity: 'SEV-2', status: 'open' },
    ...overrides,
  };
}

export function anIncident(
  overrides: Partial<IncidentResponse> = {},
): IncidentResponse {
  return {
    id: 'inc-1',
    title: 'Checkout latency',
    description: 'p99 above 2s',
    severity: 'SEV-2',
    status: 'open',
    assigned_to: null,
    escalation_policy: null,
    entity_ref: 'component:default/payments',
    incident_type: null,
    version: 1,
    created_at: '2025-01-02T03:00:00.000Z',
    updated_at: '2025-01-02T03:04:05.000Z',
    links: [aLink()],
    ...overrides,
  };
}

export function anIntegration(
  overrides: Partial<IntegrationResponse> = {},
): IntegrationResponse {
  return {
    id: 'int-snow',
    organization_id: 'org-1',
    integration_type: 'servicenow',
    name: 'prod-snow',
    base_url: 'http://snow.example',
    sync_direction: 'bidirectional',
    enabled: true,
    conflict_strategy: 'manual-review',
    conflict_window_seconds: 5,
    rate_limit: null,
    backoff_multiplier: 2,
    settings: {},
    credential_keys: ['username', 'password'],
    webhook_secret_count: 1,
    webhook_url: 'http://localhost:7007/api/itsm-sync/v1/webhooks/int-snow',
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function aSyncStatus(
  overrides: Partial<SyncStatusResponse> = {},
): SyncStatusResponse {
  return {
    integration_id: 'int-snow',
    name: 'prod-snow',
    enabled: true,
    health: 'healthy',
    metrics: {
      outbound_success: 0,
      outbound_failed: 0,
      inbound_success: 0,
      inbound_failed: 0,
      conflicts_detected: 0,
      conflicts_resolved: 0,
      drift_discrepancies: 0,
    },
    outbox_pending: 0,
    dlq_size: 0,
    pending_conflicts: 0,
    links: 0,
    last_outbound_at: null,
    last_inbound_at: null,
    last_error: null,
    rate_limited_until: null,
    ignored_events: [],
    webhooks_refused: [],
    ...overrides,
  };
}

export function aConnector(
  overrides: Partial<ConnectorInfoResponse> = {},
): ConnectorInfoResponse {
  return {
    type: 'servicenow',
    display_name: 'ServiceNow',
    capabilities: {
      outbound: true,
      inbound: true,
      comments: true,
      drift: true,
    },
    fields: ['title', 'description', 'severity', 'status', 'assigned_to'],
    default_field_ownership: [
      { field: 'severity', owner: 'platform', priority: 10 },
      { field: 'assigned_to', owner: 'external', priority: 5 },
    ],
    webhook_auth: 'HMAC-SHA256',
    credential_keys: ['username', 'password'],
    ...overrides,
  };
}

export function aConflict(
  overrides: Partial<ConflictDetails> = {},
): ConflictDetails {
  return {
    id: 'conf-1',
    integration_id: 'int-snow',
    incident_id: 'inc-1',
    field: 'severity',
    platform_value: 'SEV-1',
    platform_changed_at: '2025-01-02T03:04:05.000Z',
    external_value: 'SEV-3',
    external_changed_at: '2025-01-02T03:04:07.000Z',
    status: 'pending',
    resolution: null,
    resolved_by: null,
    resolved_at: null,
    created_at: '2025-01-02T03:04:08.000Z',
    incident: {
      id: 'inc-1',
      title: 'Checkout latency',
      severity: 'SEV-2',
      status: 'open',
    },
    integration: {
      id: 'int-snow',
      name: 'prod-snow',
      integration_type: 'servicenow',
    },
    ...overrides,
  };
}

export function aDlqEntry(
  overrides: Partial<DlqEntryResponse> = {},
): DlqEntryResponse {
  return {
    id: 'dlq-1',
    integration_id: 'int-snow',
    incident_id: 'inc-1',
    operation: 'update',
    payload: { severity: 'SEV-1' },
    attempts: 5,
    last_error: 'ServiceNow answered 400: Invalid state transition',
    last_status: 400,
    state: 'failed',
    created_at: '2025-01-02T03:04:05.000Z',
    ...overrides,
  };
}

export function aCallbackToken(
  overrides: Partial<CallbackTokenResponse> = {},
): CallbackTokenResponse {
  return {
    id: 'cbt-old',
    integration_id: 'int-hook',
    app_name: 'Jira Production inbound',
    description: 'status changes from Jira',
    state: 'active',
    created_at: '2025-01-02T03:04:05.000Z',
    created_by: 'user:default/alice',
    last_used_at: null,
    revoked_at: null,
    ...overrides,
  };
}
