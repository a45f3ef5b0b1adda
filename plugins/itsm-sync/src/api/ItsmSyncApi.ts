import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  CallbackTokenResponse,
  ConflictResolution,
  ConflictResponse,
  ConnectorInfoResponse,
  DlqEntryResponse,
  IncidentResponse,
  IntegrationResponse,
  CreateCallbackTokenRequest,
  IssuedCallbackTokenResponse,
  ManualSyncResponse,
  IntegrationRoutingRequest,
  IntegrationRoutingResponse,
  RoutingPreviewRequest,
  RoutingPreviewResponse,
  SyncStatusResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/** A conflict with the incident and integration it belongs to (GET /v1/conflicts/{id}). @public */
export interface ConflictDetails extends ConflictResponse {
  incident: { id: string; title: string; severity: string; status: string } | null;
  integration: { id: string; name: string; integration_type: string } | null;
}

/** Filters of GET /v1/conflicts. @public */
export interface ConflictQuery {
  status?: 'pending' | 'resolved';
  integration?: string;
}

/** What the frontend needs from the itsm-sync backend plugin's REST API. @public */
export interface ItsmSyncApi {
  listIncidentsForEntity(entityRef: string): Promise<IncidentResponse[]>;
  listIntegrations(): Promise<IntegrationResponse[]>;
  getSyncStatus(integration: string): Promise<SyncStatusResponse>;
  listConnectors(): Promise<ConnectorInfoResponse[]>;
  listConflicts(query?: ConflictQuery): Promise<ConflictResponse[]>;
  getConflict(id: string): Promise<ConflictDetails>;
  resolveConflict(id: string, resolution: ConflictResolution): Promise<ConflictResponse>;
  listDlq(integration: string): Promise<DlqEntryResponse[]>;
  retryDlqEntry(integration: string, entryId: string): Promise<DlqEntryResponse>;
  discardDlqEntry(integration: string, entryId: string): Promise<DlqEntryResponse>;
  /**
   * "Sync with ITSM" (spec 004). Inside the cooldown it rejects with a
   * {@link ManualSyncCooldownError} that says when the next sync is allowed.
   */
  syncIncident(integration: string, incidentId: string): Promise<ManualSyncResponse>;
  /** Where an incident (stored, or fields to try) goes by routing, and why (POST /v1/routing/preview). */
  previewRouting(request: RoutingPreviewRequest): Promise<RoutingPreviewResponse>;
  getRouting(integration: string): Promise<IntegrationRoutingResponse>;
  /** Replaces an integration's routing rules; a 400 names the bad field. */
  setRouting(integration: string, routing: IntegrationRoutingRequest): Promise<IntegrationRoutingResponse>;
  /** Callback tokens of an integration (spec 004 step 3), newest first; never the tokens. */
  listCallbackTokens(integration: string): Promise<CallbackTokenResponse[]>;
  /** Generates a callback token; the answer is the only place the token ever appears. */
  createCallbackToken(integration: string, request: CreateCallbackTokenRequest): Promise<IssuedCallbackTokenResponse>;
  /** Revokes a live token; callbacks presenting it are refused from then on. */
  revokeCallbackToken(integration: string, tokenId: string): Promise<void>;
}

/** @public */
export const itsmSyncApiRef = createApiRef<ItsmSyncApi>({ id: 'plugin.itsm-sync.api' });
