import type {
  ConflictResolution,
  ConflictStatus,
  ConflictStrategy,
  FieldOwnershipRule,
  IncidentStatus,
  LinkSyncState,
  RoutingTarget,
  Severity,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { FieldChangeMark } from '../engine/conflicts';
import type { OutboxPayload } from '../engine/coalesce';

/** An integration as stored, secrets still sealed. */
export interface IntegrationRecord {
  id: string;
  name: string;
  organization_id: string;
  integration_type: string;
  base_url: string;
  sync_direction: SyncDirection;
  enabled: boolean;
  conflict_strategy: ConflictStrategy;
  conflict_window_seconds: number;
  rate_limit: number | null;
  backoff_multiplier: number;
  settings: Record<string, unknown>;
  secrets_ciphertext: string;
  credential_keys: string[];
  webhook_secret_count: number;
  not_before: number | null;
  /** `config`: declared in app-config (itsmSync.integrations), read-only through the API. */
  managed_by: 'config' | null;
  /** The last connection test: passed or not, its message and when (null: never tested). */
  last_test: { ok: boolean; message: string; at: number } | null;
  created_at: number;
  updated_at: number;
}

/** What is sealed in `secrets_ciphertext`. */
export interface IntegrationSecrets {
  credentials: Record<string, string>;
  webhook_secrets: string[];
  /** Values of the connector's `sealedSettings` (the settings column keeps their names). */
  settings?: Record<string, unknown>;
}

export interface IncidentRecord {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  assigned_to: string | null;
  escalation_policy: string | null;
  entity_ref: string | null;
  /** What kind of incident it is; routing rules and PagerDuty service mappings match on it. */
  incident_type: string | null;
  version: number;
  field_changes: Record<string, FieldChangeMark>;
  created_at: number;
  updated_at: number;
}

export interface LinkRecord {
  id: string;
  incident_id: string;
  integration_id: string;
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
  dedup_key: string;
  sync_state: LinkSyncState;
  last_synced_at: number | null;
  last_error: string | null;
  last_written: Record<string, unknown>;
  last_manual_sync_at: number | null;
  created_at: number;
  /** Where at the vendor routing placed the ticket; null for the integration's defaults. */
  target: RoutingTarget | null;
}

export type OutboxOperation = 'sync' | 'note';

export interface OutboxRecord {
  id: number;
  integration_id: string;
  incident_id: string;
  operation: OutboxOperation;
  payload: OutboxPayload;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  last_status: number | null;
  trace_context: Record<string, string> | null;
  created_at: number;
  delivered_at: number | null;
}

/** An outbox row to insert. */
export interface OutboxInsert {
  integration_id: string;
  incident_id: string;
  operation: OutboxOperation;
  payload: OutboxPayload;
  trace_context?: Record<string, string> | null;
  /** Not delivered before this time, epoch ms (a manual sync's cooldown). */
  not_before?: number | null;
}

export interface ConflictRecord {
  id: string;
  integration_id: string;
  incident_id: string;
  field: string;
  platform_value: unknown;
  platform_changed_at: number;
  external_value: unknown;
  external_changed_at: number;
  status: ConflictStatus;
  resolution: ConflictResolution | null;
  resolved_by: string | null;
  resolved_at: number | null;
  created_at: number;
}

/** A link with what outbound planning needs of its integration. */
export interface LinkWithIntegration {
  link: LinkRecord;
  integration: IntegrationRecord;
  rules: FieldOwnershipRule[];
}
