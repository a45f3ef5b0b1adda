import type {
  ConflictResolution,
  ConflictStatus,
  ConflictStrategy,
  DlqState,
  IncidentStatus,
  LinkSyncState,
  Severity,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { DeliveryRecord } from './DeliveryRepository';
import type {
  ReconcileRunStatus,
  ReconcileTrigger,
} from './ReconcileRepository';
import type { OutboxOperation } from './types';

/**
 * The rows of the plugin's tables as the drivers return them, before the repositories turn
 * them into records: bigint columns come back as strings from pg and numbers from SQLite,
 * booleans as 0/1 from SQLite, and JSON columns are text (see rows.ts).
 */

/** A bigint or integer column. */
export type BigintColumn = number | string;
/** A boolean column. */
export type FlagColumn = boolean | number;

/** The columns of a joined row read under a prefix (`<prefix><column>`), as the row of their own table. */
export function unprefixed<TRow>(
  row: object,
  prefix: string,
  columns: readonly string[],
): TRow {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(
    columns.map(c => [c, values[`${prefix}${c}`]]),
  ) as TRow;
}

export interface IntegrationRow {
  id: string;
  name: string;
  organization_id: string;
  integration_type: string;
  base_url: string;
  sync_direction: SyncDirection;
  enabled: FlagColumn;
  conflict_strategy: ConflictStrategy;
  conflict_window_seconds: BigintColumn;
  rate_limit: BigintColumn | null;
  backoff_multiplier: number | string;
  settings: string;
  secrets_ciphertext: string;
  credential_keys: string;
  webhook_secret_count: BigintColumn;
  not_before: BigintColumn | null;
  managed_by: string | null;
  last_test_ok: FlagColumn | null;
  last_test_message: string | null;
  last_test_at: BigintColumn | null;
  created_at: BigintColumn;
  updated_at: BigintColumn;
}

export interface IncidentRow {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  assigned_to: string | null;
  escalation_policy: string | null;
  entity_ref: string | null;
  incident_type: string | null;
  version: BigintColumn;
  field_changes: string;
  created_at: BigintColumn;
  updated_at: BigintColumn;
}

export interface LinkRow {
  id: string;
  incident_id: string;
  integration_id: string;
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
  dedup_key: string;
  sync_state: LinkSyncState;
  last_synced_at: BigintColumn | null;
  last_error: string | null;
  last_written: string;
  last_manual_sync_at: BigintColumn | null;
  created_at: BigintColumn;
  target: string | null;
}

/** An incident row left-joined with one of its links, the link's columns as `link__<column>` (null without a link). */
export type IncidentWithLinkRow = IncidentRow & {
  [Column in keyof LinkRow as `link__${Column}`]: LinkRow[Column] | null;
};

export interface OutboxRow {
  id: BigintColumn;
  integration_id: string;
  incident_id: string;
  operation: OutboxOperation;
  payload: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: BigintColumn;
  next_attempt_at: BigintColumn;
  lease_owner: string | null;
  lease_expires_at: BigintColumn | null;
  last_error: string | null;
  last_status: BigintColumn | null;
  trace_context: string | null;
  created_at: BigintColumn;
  delivered_at: BigintColumn | null;
}

export interface DlqRow {
  id: string;
  integration_id: string;
  incident_id: string;
  operation: OutboxOperation;
  payload: string;
  attempts: BigintColumn;
  last_error: string;
  last_status: BigintColumn | null;
  vendor_body: string | null;
  state: DlqState;
  created_at: BigintColumn;
}

export interface ConflictRow {
  id: string;
  integration_id: string;
  incident_id: string;
  field: string;
  platform_value: string;
  platform_changed_at: BigintColumn;
  external_value: string;
  external_changed_at: BigintColumn;
  status: ConflictStatus;
  resolution: ConflictResolution | null;
  resolved_by: string | null;
  resolved_at: BigintColumn | null;
  created_at: BigintColumn;
}

export interface CallbackTokenRow {
  id: string;
  integration_id: string;
  name: string;
  description: string | null;
  token_hash: string;
  created_at: BigintColumn;
  created_by: string;
  last_used_at: BigintColumn | null;
  revoked_at: BigintColumn | null;
}

export interface WebhookDeliveryRow {
  integration_id: string;
  event_id: string;
  change: string;
  status: DeliveryRecord['status'];
  attempts: BigintColumn;
  received_at: BigintColumn;
}

export interface RoutingRow {
  integration_id: string;
  rules: string;
  default_action: string;
  updated_at: BigintColumn;
}

export interface ReconcileRunRow {
  id: string;
  integration_id: string;
  dry_run: FlagColumn;
  auto_heal: FlagColumn;
  trigger: ReconcileTrigger;
  status: ReconcileRunStatus;
  checked: BigintColumn;
  discrepancies_found: BigintColumn;
  healed: BigintColumn;
  discrepancies: string;
  error: string | null;
  started_at: BigintColumn;
  finished_at: BigintColumn | null;
}

export interface ReconcileScheduleRow {
  integration_id: string;
  interval_seconds: BigintColumn;
  auto_heal: FlagColumn;
  enabled: FlagColumn;
  next_run_at: BigintColumn;
  last_run_at: BigintColumn | null;
  updated_at: BigintColumn;
}
