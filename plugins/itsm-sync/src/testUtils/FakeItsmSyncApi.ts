import type {
  CallbackTokenResponse,
  ConflictResolution,
  ConflictResponse,
  ConnectorInfoResponse,
  CreateCallbackTokenRequest,
  CreateIntegrationRequest,
  DlqEntryResponse,
  IncidentResponse,
  IntegrationResponse,
  ManualSyncResponse,
  IntegrationRoutingRequest,
  IntegrationRoutingResponse,
  RoutingPreviewRequest,
  RoutingPreviewResponse,
  SyncStatusResponse,
  SyncTraceEntry,
  IntegrationPreviewRequest,
  IntegrationPreviewResponse,
  FieldOwnershipRule,
  MetricSeriesPoint,
  MetricSeriesResponse,
  MetricSeriesWindow,
  ReconcileRunResponse,
  TimelineEntryResponse,
  UpdateIntegrationRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ManualSyncCooldownError,
  type ConflictDetailsResponse as ConflictDetails,
  type ConflictQuery,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { ItsmSyncApi } from '../api/ItsmSyncApi';
import { backendError } from './backendError';

/**
 * An in-memory itsm-sync backend for component tests: it keeps state, so resolving a
 * conflict removes it from the pending list and a second manual sync hits the cooldown,
 * just like the real routes.
 */
export class FakeItsmSyncApi implements ItsmSyncApi {
  incidents: IncidentResponse[] = [];
  integrations: IntegrationResponse[] = [];
  statuses = new Map<string, SyncStatusResponse>();
  connectors: ConnectorInfoResponse[] = [];
  conflicts: ConflictDetails[] = [];
  dlq: DlqEntryResponse[] = [];
  cooldownSeconds = 600;
  /** Tickets the next manual sync reports, per integration id. */
  tickets = new Map<
    string,
    { external_id: string; external_key: string | null }
  >();
  /** When set, manual syncs wait for `releaseSyncs()` (to observe the in-flight state). */
  holdSyncs = false;
  /** What the routing preview answers, per incident id; no matches when absent. */
  routing = new Map<string, RoutingPreviewResponse['matches']>();
  /** Answer syncs as the backend's 202: queued, the vendor not answered yet, no ticket id. */
  pendingSyncs = false;
  /** When set, the next manual sync fails with this backend message. */
  failNextSync?: string;
  /** Callback tokens as the backend lists them: never the token itself. */
  callbackTokens: CallbackTokenResponse[] = [];
  /** When set, generating and revoking tokens wait for `releaseCallbackTokenRequests()`. */
  holdCallbackTokenRequests = false;
  /** When set, the next generate or revoke fails with this backend message and status. */
  failNextCallbackTokenRequest?: { message: string; status: number };
  /** Metric series points per integration id. */
  series = new Map<string, MetricSeriesPoint[]>();
  ownership = new Map<string, FieldOwnershipRule[]>();
  reconcileRuns: ReconcileRunResponse[] = [];
  timelines = new Map<string, TimelineEntryResponse[]>();
  readonly calls: string[] = [];
  /** Each incident's sync trace, as the backend answers it. */
  traces = new Map<string, SyncTraceEntry[]>();
  /** What a draft preview answers; a preview without it fails as the backend would for unknown incidents. */
  previewAnswer?: IntegrationPreviewResponse;

  private readonly lastSync = new Map<string, number>();
  private readonly held: Array<() => void> = [];
  private readonly heldTokenRequests: Array<() => void> = [];
  private issuedTokens = 0;

  releaseSyncs() {
    this.held.splice(0).forEach(release => release());
  }

  releaseCallbackTokenRequests() {
    this.heldTokenRequests.splice(0).forEach(release => release());
  }

  async getIncidentTrace(id: string): Promise<SyncTraceEntry[]> {
    this.calls.push(`getIncidentTrace ${id}`);
    return this.traces.get(id) ?? [];
  }

  async previewIntegration(
    integration: string,
    request: IntegrationPreviewRequest,
  ): Promise<IntegrationPreviewResponse> {
    this.calls.push(
      `previewIntegration ${integration} ${JSON.stringify(request)}`,
    );
    if (!this.previewAnswer)
      throw await backendError(400, 'incidents: incident has no ticket');
    return this.previewAnswer;
  }

  async listIncidentsForEntity(entityRef: string) {
    this.calls.push(`listIncidentsForEntity ${entityRef}`);
    return this.incidents.filter(i => i.entity_ref === entityRef);
  }

  async listIntegrations() {
    return this.integrations;
  }

  /** What the next connection tests answer. */
  testAnswer = { ok: true, message: 'Reached the ITSM' };
  /** Request bodies of createIntegration and updateIntegration, in order. */
  readonly savedBodies: Array<Record<string, any>> = [];

  async createIntegration(request: CreateIntegrationRequest) {
    this.savedBodies.push(request);
    const { credentials, webhook_secrets, ...rest } = request;
    const created: IntegrationResponse = {
      id: `int-${this.integrations.length + 1}`,
      organization_id: rest.organization_id,
      integration_type: rest.integration_type,
      name: rest.name,
      base_url: rest.base_url,
      sync_direction: rest.sync_direction ?? 'bidirectional',
      enabled: rest.enabled ?? true,
      conflict_strategy: rest.conflict_strategy ?? 'last-write-wins',
      conflict_window_seconds: 5,
      rate_limit: null,
      backoff_multiplier: 1,
      settings: rest.settings ?? {},
      credential_keys: Object.keys(credentials ?? {}).sort(),
      webhook_secret_count: webhook_secrets?.length ?? 0,
      webhook_url: 'http://localhost/api/itsm-sync/v1/webhooks/x',
      managed_by: null,
      last_test: null,
      created_at: new Date(0).toISOString(),
      updated_at: new Date(0).toISOString(),
    };
    this.integrations = [...this.integrations, created];
    return created;
  }

  async updateIntegration(idOrName: string, request: UpdateIntegrationRequest) {
    this.savedBodies.push(request);
    const current = this.integrations.find(
      i => i.id === idOrName || i.name === idOrName,
    );
    if (!current) throw new Error(`No integration ${idOrName}`);
    const settings = { ...current.settings };
    for (const [k, v] of Object.entries(request.settings ?? {})) {
      if (v === null) delete settings[k];
      else settings[k] = v;
    }
    const updated: IntegrationResponse = {
      ...current,
      name: request.name ?? current.name,
      base_url: request.base_url ?? current.base_url,
      sync_direction: request.sync_direction ?? current.sync_direction,
      settings,
    };
    this.integrations = this.integrations.map(i =>
      i.id === current.id ? updated : i,
    );
    return updated;
  }

  async testIntegration(idOrName: string) {
    const current = this.integrations.find(
      i => i.id === idOrName || i.name === idOrName,
    )!;
    current.last_test = {
      ...this.testAnswer,
      at: new Date(0).toISOString(),
    };
    return { ...this.testAnswer, integration_id: current.id, duration_ms: 3 };
  }

  async getSyncStatus(integration: string) {
    const status = this.statuses.get(integration);
    if (!status)
      throw await backendError(404, `No integration '${integration}'`);
    return status;
  }

  async getIntegration(integration: string) {
    const found = this.integrations.find(
      i => i.id === integration || i.name === integration,
    );
    if (!found)
      throw await backendError(404, `Integration ${integration} not found`);
    return found;
  }

  async getMetricSeries(
    integration: string,
    window: MetricSeriesWindow = '1h',
  ): Promise<MetricSeriesResponse> {
    this.calls.push(`getMetricSeries ${integration} ${window}`);
    return {
      integration_id: integration,
      window,
      step_seconds: { '1h': 60, '1d': 600, '1w': 3600 }[window],
      points: this.series.get(integration) ?? [],
    };
  }

  async listFieldOwnership(integration: string) {
    return this.ownership.get(integration) ?? [];
  }

  async listReconcileRuns(integration: string) {
    return this.reconcileRuns.filter(r => r.integration_id === integration);
  }

  async getIncident(id: string) {
    const found = this.incidents.find(i => i.id === id);
    if (!found) throw await backendError(404, `Incident ${id} not found`);
    return found;
  }

  async getIncidentTimeline(id: string) {
    return this.timelines.get(id) ?? [];
  }

  async listConnectors() {
    return this.connectors;
  }

  async listConflicts(query: ConflictQuery = {}): Promise<ConflictResponse[]> {
    return this.conflicts
      .filter(c => !query.status || c.status === query.status)
      .filter(c => !query.integration || c.integration_id === query.integration)
      .map(
        ({ incident: _incident, integration: _integration, ...conflict }) =>
          conflict,
      );
  }

  async getConflict(id: string) {
    const conflict = this.conflicts.find(c => c.id === id);
    if (!conflict) throw await backendError(404, `No conflict '${id}'`);
    return conflict;
  }

  async resolveConflict(id: string, resolution: ConflictResolution) {
    this.calls.push(`resolveConflict ${id} ${resolution}`);
    const conflict = await this.getConflict(id);
    if (conflict.status !== 'pending') {
      throw await backendError(409, `Conflict '${id}' is already resolved`);
    }
    Object.assign(conflict, {
      status: 'resolved',
      resolution,
      resolved_by: 'user:default/guest',
      resolved_at: new Date().toISOString(),
    });
    return conflict;
  }

  async listDlq(integration: string) {
    return this.dlq.filter(
      e => e.integration_id === integration && e.state === 'failed',
    );
  }

  async retryDlqEntry(integration: string, entryId: string) {
    this.calls.push(`retryDlqEntry ${integration} ${entryId}`);
    return this.settleDlq(integration, entryId, 'retried');
  }

  async discardDlqEntry(integration: string, entryId: string) {
    this.calls.push(`discardDlqEntry ${integration} ${entryId}`);
    return this.settleDlq(integration, entryId, 'discarded');
  }

  /** Stored routing rules per integration id. */
  routingRules = new Map<string, IntegrationRoutingResponse>();
  /** The message of a 400 the next setRouting answers. */
  rejectNextRouting?: string;

  async getRouting(integration: string): Promise<IntegrationRoutingResponse> {
    return (
      this.routingRules.get(integration) ?? {
        integration_id: integration,
        rules: [],
        default: 'skip',
        updated_at: null,
      }
    );
  }

  async setRouting(
    integration: string,
    routing: IntegrationRoutingRequest,
  ): Promise<IntegrationRoutingResponse> {
    this.calls.push(`setRouting ${integration} ${JSON.stringify(routing)}`);
    if (this.rejectNextRouting) {
      const message = this.rejectNextRouting;
      this.rejectNextRouting = undefined;
      throw await backendError(400, message);
    }
    const saved: IntegrationRoutingResponse = {
      integration_id: integration,
      rules: routing.rules.map(r => ({
        name: r.name,
        when: r.when ?? {},
        action: r.action ?? 'route',
      })),
      default: routing.default ?? 'skip',
      updated_at: new Date().toISOString(),
    };
    this.routingRules.set(integration, saved);
    return saved;
  }

  async previewRouting(
    request: RoutingPreviewRequest,
  ): Promise<RoutingPreviewResponse> {
    const incidentId = 'incident_id' in request ? request.incident_id : 'try';
    this.calls.push(
      `previewRouting ${'incident_id' in request ? request.incident_id : JSON.stringify(request.incident)}`,
    );
    const incident = this.incidents.find(i => i.id === incidentId);
    return {
      facts: {
        entity_ref: incident?.entity_ref ?? null,
        entity_kind: null,
        entity_type: null,
        owner: null,
        system: null,
        severity: incident?.severity ?? 'SEV-3',
        status: incident?.status ?? 'open',
        incident_type: incident?.incident_type ?? null,
      },
      catalog: 'ok',
      matches: this.routing.get(incidentId) ?? [],
      skipped: [],
    };
  }

  async syncIncident(
    integration: string,
    incidentId: string,
  ): Promise<ManualSyncResponse> {
    this.calls.push(`syncIncident ${integration} ${incidentId}`);
    if (this.holdSyncs)
      await new Promise<void>(resolve => this.held.push(resolve));
    if (this.failNextSync) {
      const message = this.failNextSync;
      this.failNextSync = undefined;
      throw await backendError(502, message);
    }
    const key = `${integration}/${incidentId}`;
    const last = this.lastSync.get(key);
    const now = Date.now();
    if (last !== undefined && now - last < this.cooldownSeconds * 1000) {
      throw new ManualSyncCooldownError(
        'Manual sync is cooling down',
        new Date(last + this.cooldownSeconds * 1000),
      );
    }
    this.lastSync.set(key, now);
    const ticket = this.pendingSyncs
      ? { state: 'pending' as const, external_id: null, external_key: null }
      : (this.tickets.get(integration) ?? {
          external_id: `ext-${incidentId}`,
          external_key: null,
        });
    return {
      incident_id: incidentId,
      integration_id: integration,
      ...ticket,
      external_url: null,
      synced_at: new Date(now).toISOString(),
      cooldown_until: new Date(now + this.cooldownSeconds * 1000).toISOString(),
    };
  }

  async listCallbackTokens(integration: string) {
    this.calls.push(`listCallbackTokens ${integration}`);
    // Copies, so the UI only ever sees what a real answer would carry.
    return this.callbackTokens
      .filter(t => t.integration_id === integration)
      .map(t => ({ ...t }));
  }

  async createCallbackToken(
    integration: string,
    request: CreateCallbackTokenRequest,
  ) {
    this.calls.push(`createCallbackToken ${integration} ${request.app_name}`);
    await this.callbackTokenRequestGate();
    this.issuedTokens += 1;
    const record: CallbackTokenResponse = {
      id: `cbt-${this.issuedTokens}`,
      integration_id: integration,
      app_name: request.app_name,
      description: request.description ?? '',
      state: 'active',
      created_at: new Date().toISOString(),
      created_by: 'user:default/guest',
      last_used_at: null,
      revoked_at: null,
    };
    this.callbackTokens.unshift(record);
    return {
      ...record,
      token: `itsmcb_fake-secret-${this.issuedTokens}`,
      webhook_url: `http://localhost:7007/api/itsm-sync/v1/webhooks/${integration}`,
    };
  }

  async revokeCallbackToken(integration: string, tokenId: string) {
    this.calls.push(`revokeCallbackToken ${integration} ${tokenId}`);
    await this.callbackTokenRequestGate();
    const token = this.callbackTokens.find(
      t =>
        t.integration_id === integration &&
        t.id === tokenId &&
        t.state === 'active',
    );
    if (!token)
      throw await backendError(404, `No live callback token '${tokenId}'`);
    Object.assign(token, {
      state: 'revoked',
      revoked_at: new Date().toISOString(),
    });
  }

  /** Pretend an earlier manual sync happened `secondsAgo` seconds ago. */
  markSynced(integration: string, incidentId: string, secondsAgo: number) {
    this.lastSync.set(
      `${integration}/${incidentId}`,
      Date.now() - secondsAgo * 1000,
    );
  }

  private async callbackTokenRequestGate() {
    if (this.holdCallbackTokenRequests)
      await new Promise<void>(resolve => this.heldTokenRequests.push(resolve));
    const failure = this.failNextCallbackTokenRequest;
    if (failure) {
      this.failNextCallbackTokenRequest = undefined;
      throw await backendError(failure.status, failure.message);
    }
  }

  private async settleDlq(
    integration: string,
    entryId: string,
    state: 'retried' | 'discarded',
  ) {
    const entry = this.dlq.find(
      e =>
        e.integration_id === integration &&
        e.id === entryId &&
        e.state === 'failed',
    );
    if (!entry)
      throw await backendError(404, `No failed DLQ entry '${entryId}'`);
    entry.state = state;
    return entry;
  }
}
