import type {
  ConflictResolution,
  ConflictStatus,
  ConflictStrategy,
  DlqState,
  FieldOwner,
  IncidentStatus,
  LinkSyncState,
  MetricSeriesWindow,
  Severity,
  SyncDirection,
  SyncMetric,
} from './vocabulary';
import type { RoutingTarget } from './routing';

/*
 * Response shapes of the REST API (snake_case, as in the spec documents).
 * Credentials and webhook secrets never appear in any of them.
 */

/** @public */
export interface IntegrationResponse {
  id: string;
  organization_id: string;
  integration_type: string;
  name: string;
  base_url: string;
  sync_direction: SyncDirection;
  enabled: boolean;
  conflict_strategy: ConflictStrategy;
  conflict_window_seconds: number;
  rate_limit: number | null;
  backoff_multiplier: number;
  settings: Record<string, unknown>;
  /** Names of the stored credential entries, never their values. */
  credential_keys: string[];
  webhook_secret_count: number;
  webhook_url: string;
  /**
   * `config` when the integration is declared in app-config (`itsmSync.integrations`): the
   * API refuses to change or delete it; the configuration is where it changes. The hub
   * always sends it (`null` for integrations managed through the API).
   */
  managed_by?: 'config' | null;
  /**
   * The answer of the last connection test (`POST .../test`); the portal shows the
   * integration as Configured once one passed. Null when never tested.
   */
  last_test?: { ok: boolean; message: string; at: string } | null;
  created_at: string;
  updated_at: string;
}

/** @public */
export interface FieldOwnershipRule {
  field: string;
  owner: FieldOwner;
  priority: number;
}

/** @public */
export interface IncidentLinkResponse {
  integration_id: string;
  integration_name: string;
  integration_type: string;
  incident_id: string;
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
  sync_state: LinkSyncState;
  last_synced_at: string | null;
  last_error: string | null;
  /** When the cooldown of the last "Sync with ITSM" ends (docs/sync-semantics.md#cooldown); null if there never was one. */
  manual_sync_cooldown_until: string | null;
  /** Where routing placed the ticket at the vendor (docs/sync-semantics.md#routing); null for the integration's defaults. */
  target: RoutingTarget | null;
  /**
   * The ticket's field values as the hub last wrote them to it or learnt them from it
   * (docs/sync-semantics.md#change-marks-and-versions), by platform field name.
   */
  ticket_values: Record<string, unknown>;
}

/** @public */
export interface IncidentResponse {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  assigned_to: string | null;
  escalation_policy: string | null;
  entity_ref: string | null;
  incident_type: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  links: IncidentLinkResponse[];
}

/** @public */
export interface DlqEntryResponse {
  id: string;
  integration_id: string;
  incident_id: string;
  operation: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** The failure: the vendor's status and at most a short sanitised excerpt of its answer. */
  last_error: string;
  last_status: number | null;
  /**
   * The vendor's full error answer (up to 2000 characters); present only for callers
   * allowed to manage the integration, null when the vendor said nothing.
   */
  vendor_body?: string | null;
  state: DlqState;
  created_at: string;
}

/** @public */
export interface ConflictResponse {
  id: string;
  integration_id: string;
  incident_id: string;
  field: string;
  platform_value: unknown;
  platform_changed_at: string;
  external_value: unknown;
  external_changed_at: string;
  status: ConflictStatus;
  resolution: ConflictResolution | null;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

/**
 * Webhook events of an integration the hub acknowledged (2xx) without acting on them,
 * counted per vendor event type and reason.
 * @public
 */
export interface IgnoredEventsResponseItem {
  event_type: string;
  reason: string;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
  /** The vendor's id of the last such event, to find it at the vendor. */
  last_event_id: string | null;
  last_external_id: string | null;
}

/** @public */
export interface SyncStatusResponse {
  integration_id: string;
  name: string;
  enabled: boolean;
  health: 'healthy' | 'degraded' | 'failing' | 'disabled';
  metrics: Record<SyncMetric, number>;
  outbox_pending: number;
  dlq_size: number;
  pending_conflicts: number;
  links: number;
  last_outbound_at: string | null;
  last_inbound_at: string | null;
  last_error: string | null;
  rate_limited_until: string | null;
  /** Acknowledged webhook events that changed nothing, and why. */
  ignored_events: IgnoredEventsResponseItem[];
  /** Webhooks refused by verification in the last hour, per reason, most recent first; any degrades health. */
  webhooks_refused: WebhookRefusalsResponseItem[];
}

/** Webhooks of one integration refused for one reason (a wrong secret, a missing signature). @public */
export interface WebhookRefusalsResponseItem {
  reason: string;
  count_last_hour: number;
  last_at: string;
}

/** @public */
export interface ReconcileDiscrepancy {
  kind: 'field_mismatch' | 'unlinked_ticket' | 'missing_ticket';
  incident_id: string | null;
  external_id: string | null;
  field: string | null;
  platform_value: unknown;
  external_value: unknown;
  owner: FieldOwner | null;
  action: 'push_platform' | 'pull_external' | 'none';
}

/** @public */
export interface ReconcileRunResponse {
  id: string;
  integration_id: string;
  dry_run: boolean;
  auto_heal: boolean;
  trigger: 'manual' | 'schedule';
  status: 'running' | 'succeeded' | 'failed';
  checked: number;
  discrepancies_found: number;
  healed: number;
  discrepancies: ReconcileDiscrepancy[];
  error: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

/** A stored reconcile schedule (`POST/GET .../reconcile/schedule`). @public */
export interface ReconcileScheduleResponse {
  integration_id: string;
  interval_seconds: number;
  auto_heal: boolean;
  enabled: boolean;
  next_run_at: string;
  last_run_at: string | null;
  updated_at: string;
}

/** @public */
export interface ConnectorInfoResponse {
  type: string;
  display_name: string;
  /**
   * What the connector can do, by the names of `ConnectorCapabilities` in itsm-sync-node
   * (`outbound`, `inbound`, `notes`, `listChanged`, `inboundCreate`, `callbackTokens`).
   * Integrations of a connector with `callbackTokens` authenticate callbacks with tokens
   * issued under `/v1/integrations/{id}/callback-tokens`.
   */
  capabilities: Record<string, boolean>;
  fields: string[];
  default_field_ownership: FieldOwnershipRule[];
  webhook_auth: string;
  credential_keys: string[];
  /** The connector's `settings` as JSON Schema; absent for connectors that declare none. */
  settings_schema?: ConnectorSettingsJsonSchema;
}

/**
 * One setting of a connector, as JSON Schema (draft 2020-12) with the hub's annotations.
 * @public
 */
export interface SettingJsonSchema {
  title?: string;
  description?: string;
  default?: unknown;
  type?: string | string[];
  enum?: unknown[];
  /** Secret: sealed with the credentials; the API returns its name only. */
  writeOnly?: boolean;
  /** The `$name` placeholders a template setting may use (the templated webhook). */
  'x-placeholders'?: string[];
  [keyword: string]: unknown;
}

/**
 * A connector's settings as JSON Schema (`GET /v1/connectors`, docs/sync-semantics.md#integration-settings):
 * `required` lists the settings every integration needs, `x-required-for-writes` those an
 * integration that sends to the vendor needs (each entry: any one of its settings).
 * @public
 */
export interface ConnectorSettingsJsonSchema {
  type: 'object';
  properties: Record<string, SettingJsonSchema>;
  required?: string[];
  'x-required-for-writes': string[][];
  additionalProperties?: unknown;
  [keyword: string]: unknown;
}

/** @public */
export type CallbackTokenState = 'active' | 'revoked';

/**
 * A callback token as listed (`GET /v1/integrations/{id}/callback-tokens`, docs/connectors/webhook.md#callback-tokens).
 * Never the token itself: only its hash is stored.
 * @public
 */
export interface CallbackTokenResponse {
  id: string;
  integration_id: string;
  app_name: string;
  description: string;
  state: CallbackTokenState;
  created_at: string;
  /** The principal that generated it, e.g. `user:default/guest`. */
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/**
 * Answer of `POST /v1/integrations/{id}/callback-tokens`: the only time the token is shown.
 * @public
 */
export interface IssuedCallbackTokenResponse extends CallbackTokenResponse {
  token: string;
  /** Where the ITSM sends its callbacks, with the token as `Authorization: Bearer`. */
  webhook_url: string;
}

/** The standard error body of Backstage's error middleware. @public */
export interface ErrorResponse {
  error: { name: string; message: string };
  request?: { method: string; url: string };
  response: { statusCode: number };
}

/**
 * Answer of `POST /v1/integrations/{id}/incidents/{incident}/sync` ("Sync with ITSM",
 * docs/sync-semantics.md#manual-sync). A second manual sync inside the cooldown answers 429 with a `Retry-After`
 * header and `retry_after_seconds` beside the standard error body.
 * @public
 */
export interface ManualSyncResponse {
  /** `pending` (HTTP 202) when the vendor had not answered within the wait; the sync still goes out. */
  state?: 'pending';
  incident_id: string;
  integration_id: string;
  /** Null while the first sync of a ticket is still pending at the vendor. */
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
  synced_at: string;
  /** When the next manual sync of this incident on this integration is allowed. */
  cooldown_until: string;
}

/** The 429 body of a manual sync inside its cooldown. @public */
export interface ManualSyncCooldownResponse extends ErrorResponse {
  retry_after_seconds: number;
  cooldown_until: string;
}

/** Answer of `POST /v1/integrations/{id}/test`: whether the vendor accepted the credentials. @public */
export interface ConnectionTestResponse {
  ok: boolean;
  message: string;
  integration_id: string;
  duration_ms: number;
}

/** A list answer of the API: `{ items: [...] }`. @public */
export interface ItemsResponse<T> {
  items: T[];
}

/** One page of `GET /v1/integrations/{id}/links`; `next` is the cursor of the following page. @public */
export interface IncidentLinksPage {
  items: IncidentLinkResponse[];
  next: string | null;
}

/** Answer of `PUT /v1/integrations/{id}/field-ownership/{field}`: the rule and every rule now. @public */
export interface FieldOwnershipUpdateResponse {
  rule: FieldOwnershipRule;
  items: FieldOwnershipRule[];
}

/** A conflict with the incident and integration it belongs to (`GET /v1/conflicts/{id}`). @public */
export interface ConflictDetailsResponse extends ConflictResponse {
  incident: {
    id: string;
    title: string;
    severity: string;
    status: string;
  } | null;
  integration: { id: string; name: string; integration_type: string } | null;
}

/**
 * `POST /v1/secrets/reseal`: every integration's stored secrets sealed again with the
 * current encryption key, bound to their integration, so `previousKeys` can be emptied.
 * @public
 */
export interface ResealSecretsResponse {
  /** The id (fingerprint) of the key everything is now sealed with; never the key. */
  key_id: string;
  integrations: number;
  /** Rewritten by this call: sealed with an older key, unbound, or with settings still in the clear. */
  resealed: number;
  already_current: number;
  /** Integrations whose secrets could not be opened (a key no longer configured); nothing of theirs was changed. */
  failed: Array<{ integration_id: string; name: string; error: string }>;
}

/**
 * Why a field did not sync: the integration's ownership rule (`owner`), its direction
 * (`direction`: a vendor change sent by an outbound-only integration), the hub's own write
 * coming back (`echo`), a value the platform already has (`unchanged`), a conflict the
 * strategy settled for the other side or a person is to settle (`conflict`), or a change
 * older than the field's last one (`stale`).
 * @public
 */
export type SyncSkipReason =
  'owner' | 'direction' | 'echo' | 'unchanged' | 'conflict' | 'stale';

/** What the hub did with one field of a change, and why. @public */
export interface SyncTraceField {
  field: string;
  outcome: 'applied' | 'skipped';
  reason?: SyncSkipReason;
  why: string;
}

/** A vendor call of an outbound delivery; bodies are never kept. @public */
export interface SyncTraceCall {
  operation: string;
  /** The HTTP method and path (no query) of a failed call, as the vendor client names it. */
  method?: string;
  path?: string;
  status: number | null;
  latency_ms: number;
}

/**
 * One entry of an incident's sync trace: an inbound event or an outbound delivery
 * (delivered, retrying, rate-limited or dead-lettered) with its field decisions.
 * @public
 */
export interface SyncTraceEntry {
  id: string;
  at: string;
  incident_id: string;
  integration_id: string | null;
  direction: 'inbound' | 'outbound';
  kind: 'event' | 'delivered' | 'retry' | 'rate_limited' | 'dead_letter';
  /** Who made the change: `platform` or `integration:<id>`. */
  source: string;
  /** The vendor's event id and type, for an inbound event. */
  event_id?: string;
  event_type?: string;
  fields: SyncTraceField[];
  call?: SyncTraceCall;
  attempts?: number;
  /** When a retry is due. */
  next_attempt_at?: string;
  /** The failure, for a retry or the DLQ (the vendor's body is never included). */
  error?: string;
}

/**
 * Why a preview leaves a field's value where it is in one direction: an ownership rule
 * (`owner`), the integration's direction (`direction`), a conflict waiting for a person or
 * both sides changed (`conflict`), the same value on both sides (`unchanged`), or the
 * three-way merge taking the other side's newer change (`merge`).
 * @public
 */
export type PreviewSkipReason =
  'owner' | 'direction' | 'conflict' | 'unchanged' | 'merge';

/** One direction of one field in a preview: its target's value now and under the draft. @public */
export interface PreviewDirectionResponse {
  now: unknown;
  draft: unknown;
  skipped?: PreviewSkipReason;
  why: string;
}

/** One field of a previewed incident. @public */
export interface PreviewFieldResponse {
  field: string;
  owner: { now: string | null; draft: string | null };
  action: {
    now: 'push_platform' | 'pull_external' | 'none';
    draft: 'push_platform' | 'pull_external' | 'none';
  };
  /** Platform to ticket: the ticket's value now and after. */
  outbound: PreviewDirectionResponse;
  /** Ticket to platform: the platform's value now and after. */
  inbound: PreviewDirectionResponse;
}

/** The answer of `POST /v1/integrations/{id}/preview`: nothing is written anywhere. @public */
export interface IntegrationPreviewResponse {
  integration_id: string;
  draft: {
    sync_direction: SyncDirection;
    field_ownership: FieldOwnershipRule[];
  };
  items: Array<{
    incident_id: string;
    external_id: string;
    /** The ticket could not be read from the vendor: why (nothing is compared). */
    error?: string;
    fields: PreviewFieldResponse[];
  }>;
}

/** One explicit user mapping (`/v1/user-mappings`, docs/sync-semantics.md#people). @public */
export interface UserMappingResponse {
  id: string;
  integration_id: string;
  integration_name: string;
  /** The platform person's email. */
  platform_user: string;
  /** Who they are at the vendor: an email, a user name or an account id. */
  external_user: string;
  updated_at: string;
}

/**
 * One step of an integration's metric series (docs/sync-semantics.md#metric-series). Rates
 * are per minute averaged over the step; counts are the step's total; queue sizes are the
 * last seen in the step. Null where the hub took no sample in the step.
 * @public
 */
export interface MetricSeriesPoint {
  /** Start of the step. */
  at: string;
  outbound_per_minute: number | null;
  inbound_per_minute: number | null;
  /** Failed outbound deliveries and inbound changes. */
  failures: number | null;
  conflicts: number | null;
  /** Platform change to vendor acknowledgement, of the deliveries acknowledged in the step. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  outbox_backlog: number | null;
  dlq_size: number | null;
}

/** Answer of `GET /v1/integrations/{id}/metrics/series`. @public */
export interface MetricSeriesResponse {
  integration_id: string;
  window: MetricSeriesWindow;
  step_seconds: number;
  /** Oldest first; the last step is the one in progress. */
  points: MetricSeriesPoint[];
}

/** An entry of an incident's timeline (`GET /v1/incidents/{id}/timeline`). @public */
export interface TimelineEntryResponse {
  kind: string;
  text: string;
  author: string | null;
  source: string;
  created_at: string;
}
