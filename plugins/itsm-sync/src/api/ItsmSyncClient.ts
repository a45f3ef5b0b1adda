import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
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
import type { ConflictDetails, ConflictQuery, ItsmSyncApi } from './ItsmSyncApi';
import { errorFromResponse } from './errors';

/** Talks to the itsm-sync backend plugin through Backstage's discovery and fetch APIs. @public */
export class ItsmSyncClient implements ItsmSyncApi {
  private readonly discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  private readonly fetchApi: Pick<FetchApi, 'fetch'>;

  constructor(options: {
    discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
    fetchApi: Pick<FetchApi, 'fetch'>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listIncidentsForEntity(entityRef: string): Promise<IncidentResponse[]> {
    return this.items(`/v1/incidents?entity_ref=${encodeURIComponent(entityRef)}`);
  }

  async listIntegrations(): Promise<IntegrationResponse[]> {
    return this.items('/v1/integrations');
  }

  async getSyncStatus(integration: string): Promise<SyncStatusResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/sync-status`);
  }

  async listConnectors(): Promise<ConnectorInfoResponse[]> {
    return this.items('/v1/connectors');
  }

  async listConflicts(query: ConflictQuery = {}): Promise<ConflictResponse[]> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.integration) params.set('integration', query.integration);
    const qs = params.toString();
    return this.items(`/v1/conflicts${qs ? `?${qs}` : ''}`);
  }

  async getConflict(id: string): Promise<ConflictDetails> {
    return this.request(`/v1/conflicts/${enc(id)}`);
  }

  async resolveConflict(id: string, resolution: ConflictResolution): Promise<ConflictResponse> {
    return this.request(`/v1/conflicts/${enc(id)}/resolve`, { method: 'POST', body: { resolution } });
  }

  async listDlq(integration: string): Promise<DlqEntryResponse[]> {
    return this.items(`/v1/integrations/${enc(integration)}/dlq`);
  }

  async retryDlqEntry(integration: string, entryId: string): Promise<DlqEntryResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/dlq/${enc(entryId)}/retry`, { method: 'POST' });
  }

  async discardDlqEntry(integration: string, entryId: string): Promise<DlqEntryResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/dlq/${enc(entryId)}/discard`, { method: 'POST' });
  }

  async syncIncident(integration: string, incidentId: string): Promise<ManualSyncResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/incidents/${enc(incidentId)}/sync`, {
      method: 'POST',
    });
  }

  async previewRouting(request: RoutingPreviewRequest): Promise<RoutingPreviewResponse> {
    return this.request('/v1/routing/preview', { method: 'POST', body: request });
  }

  async getRouting(integration: string): Promise<IntegrationRoutingResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/routing`);
  }

  async setRouting(integration: string, routing: IntegrationRoutingRequest): Promise<IntegrationRoutingResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/routing`, { method: 'PUT', body: routing });
  }

  async listCallbackTokens(integration: string): Promise<CallbackTokenResponse[]> {
    return this.items(`/v1/integrations/${enc(integration)}/callback-tokens`);
  }

  async createCallbackToken(integration: string, request: CreateCallbackTokenRequest): Promise<IssuedCallbackTokenResponse> {
    return this.request(`/v1/integrations/${enc(integration)}/callback-tokens`, { method: 'POST', body: request });
  }

  async revokeCallbackToken(integration: string, tokenId: string): Promise<void> {
    await this.request(`/v1/integrations/${enc(integration)}/callback-tokens/${enc(tokenId)}`, { method: 'DELETE' });
  }

  // List routes answer { items: [...] }.
  private async items<T>(path: string): Promise<T[]> {
    const body = await this.request<{ items: T[] }>(path);
    return body.items;
  }

  private async request<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('itsm-sync');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'GET',
      headers: options.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) throw await errorFromResponse(response);
    // 204 (a revoke) has no body to parse.
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
