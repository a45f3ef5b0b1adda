import type {
  CallbackTokenResponse,
  ConflictDetailsResponse,
  ConflictResponse,
  ConnectionTestResponse,
  ConnectorInfoResponse,
  DlqEntryResponse,
  FieldOwnershipRule,
  FieldOwnershipUpdateResponse,
  IncidentLinksPage,
  IncidentResponse,
  SyncTraceEntry,
  IntegrationPreviewResponse,
  IntegrationResponse,
  IssuedCallbackTokenResponse,
  ManualSyncResponse,
  MetricSeriesResponse,
  ReconcileRunResponse,
  ResealSecretsResponse,
  SyncStatusResponse,
  UserMappingResponse,
  TimelineEntryResponse,
} from '../api';
import type {
  IntegrationRoutingRequest,
  IntegrationRoutingResponse,
  RoutingPreviewRequest,
  RoutingPreviewResponse,
} from '../routing';
import type {
  CreateCallbackTokenRequest,
  IntegrationPreviewRequest,
  CreateIncidentRequest,
  CreateIntegrationRequest,
  FieldOwnershipRuleRequest,
  ReconcileRequest,
  UpdateIncidentRequest,
  PutUserMappingRequest,
  UpdateIntegrationRequest,
} from '../schemas';
import type {
  ConflictResolution,
  ConflictStatus,
  DlqState,
  IncidentStatus,
  MetricSeriesWindow,
} from '../vocabulary';

/** Filters of `GET /v1/conflicts`. @public */
export interface ConflictQuery {
  status?: ConflictStatus;
  integration?: string;
}

/** Filters of `GET /v1/incidents`. @public */
export interface IncidentQuery {
  entityRef?: string;
  status?: IncidentStatus;
}

/** How a reconcile run reports while it streams. @public */
export interface ReconcileOptions {
  /** Called for every progress line of the stream. */
  onProgress?: (checked: number, total: number) => void;
}

/**
 * The itsm-sync REST API (`/api/itsm-sync`), as the portal, the `im` CLI and scripts use it.
 * Integrations are addressed by id or name. Failures reject with `ResponseError` from
 * `@backstage/errors` (the backend's message is in `errorMessage(error)`), and a manual
 * sync inside its cooldown with `ManualSyncCooldownError`.
 * @public
 */
export interface ItsmSyncApi {
  listConnectors(): Promise<ConnectorInfoResponse[]>;

  listIntegrations(): Promise<IntegrationResponse[]>;
  getIntegration(integration: string): Promise<IntegrationResponse>;
  createIntegration(
    request: CreateIntegrationRequest,
  ): Promise<IntegrationResponse>;
  /** Changes an integration; a changed origin needs its credentials again (a 400 otherwise). */
  updateIntegration(
    integration: string,
    request: UpdateIntegrationRequest,
  ): Promise<IntegrationResponse>;
  /** Calls the vendor with the stored credentials; `ok: false` carries the vendor's answer. */
  testIntegration(integration: string): Promise<ConnectionTestResponse>;
  getSyncStatus(integration: string): Promise<SyncStatusResponse>;
  /** Per-minute history of an integration's sync for the charts (docs/sync-semantics.md#metric-series). */
  getMetricSeries(
    integration: string,
    window?: MetricSeriesWindow,
  ): Promise<MetricSeriesResponse>;
  /** One page of the integration's links; pass the previous page's `next` to go on. */
  listLinks(
    integration: string,
    options?: { after?: string },
  ): Promise<IncidentLinksPage>;
  /** Who is on call for a schedule, as the connector answers it. */
  getOnCall(integration: string, scheduleId: string): Promise<unknown>;

  listFieldOwnership(integration: string): Promise<FieldOwnershipRule[]>;
  setFieldOwnership(
    integration: string,
    field: string,
    rule: FieldOwnershipRuleRequest,
  ): Promise<FieldOwnershipUpdateResponse>;
  /** Explicit user mappings (docs/sync-semantics.md#people), of one integration if named. */
  listUserMappings(options?: {
    integration?: string;
  }): Promise<UserMappingResponse[]>;
  /** Sets who a platform person is at an integration's vendor. */
  setUserMapping(request: PutUserMappingRequest): Promise<UserMappingResponse>;
  deleteUserMapping(id: string): Promise<void>;
  /** Removes a field's rule, so it flows both ways again; answers the rules left. */
  deleteFieldOwnership(
    integration: string,
    field: string,
  ): Promise<FieldOwnershipRule[]>;

  listDlq(
    integration: string,
    options?: { state?: DlqState },
  ): Promise<DlqEntryResponse[]>;
  retryDlqEntry(
    integration: string,
    entryId: string,
  ): Promise<DlqEntryResponse>;
  discardDlqEntry(
    integration: string,
    entryId: string,
  ): Promise<DlqEntryResponse>;

  /** Runs a reconcile to its end, following its progress stream when the backend streams. */
  reconcile(
    integration: string,
    request: ReconcileRequest,
    options?: ReconcileOptions,
  ): Promise<ReconcileRunResponse>;
  listReconcileRuns(integration: string): Promise<ReconcileRunResponse[]>;

  /** Seals every stored secret with the current encryption key (after a key rotation). */
  resealSecrets(): Promise<ResealSecretsResponse>;

  /** What a draft (ownership rules, direction) would do to linked incidents, field by field; writes nothing. */
  previewIntegration(
    integration: string,
    request: IntegrationPreviewRequest,
  ): Promise<IntegrationPreviewResponse>;

  /** Where an incident (stored, or fields to try) goes by routing, and why. */
  previewRouting(
    request: RoutingPreviewRequest,
  ): Promise<RoutingPreviewResponse>;
  getRouting(integration: string): Promise<IntegrationRoutingResponse>;
  /** Replaces an integration's routing rules; a 400 names the bad field. */
  setRouting(
    integration: string,
    routing: IntegrationRoutingRequest,
  ): Promise<IntegrationRoutingResponse>;

  /** Callback tokens of an integration, newest first; never the tokens. */
  listCallbackTokens(integration: string): Promise<CallbackTokenResponse[]>;
  /** Generates a callback token; the answer is the only place the token ever appears. */
  createCallbackToken(
    integration: string,
    request: CreateCallbackTokenRequest,
  ): Promise<IssuedCallbackTokenResponse>;
  /** Revokes a live token; callbacks presenting it are refused from then on. */
  revokeCallbackToken(integration: string, tokenId: string): Promise<void>;

  createIncident(request: CreateIncidentRequest): Promise<IncidentResponse>;
  getIncident(id: string): Promise<IncidentResponse>;
  /** Notes and sync events of an incident, oldest first. */
  getIncidentTimeline(id: string): Promise<TimelineEntryResponse[]>;
  updateIncident(
    id: string,
    request: UpdateIncidentRequest,
  ): Promise<IncidentResponse>;
  /** Links an incident to one more integration; its ticket is opened by the outbox. */
  linkIncident(id: string, integration: string): Promise<IncidentResponse>;
  listIncidents(query?: IncidentQuery): Promise<IncidentResponse[]>;
  listIncidentsForEntity(entityRef: string): Promise<IncidentResponse[]>;
  /** The incident's sync trace, oldest first; `link` (an integration id or name) keeps one link's. */
  getIncidentTrace(
    id: string,
    options?: { link?: string },
  ): Promise<SyncTraceEntry[]>;
  /** "Sync with ITSM": inside the cooldown it rejects with a `ManualSyncCooldownError`. */
  syncIncident(
    integration: string,
    incidentId: string,
  ): Promise<ManualSyncResponse>;

  listConflicts(query?: ConflictQuery): Promise<ConflictResponse[]>;
  getConflict(id: string): Promise<ConflictDetailsResponse>;
  resolveConflict(
    id: string,
    resolution: ConflictResolution,
  ): Promise<ConflictResponse>;
}
