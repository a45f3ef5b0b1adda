import { ResponseError } from '@backstage/errors';
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
  ItemsResponse,
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
  DlqState,
  MetricSeriesWindow,
} from '../vocabulary';
import { cooldownEnd, ManualSyncCooldownError } from './errors';
import type {
  ConflictQuery,
  IncidentQuery,
  ItsmSyncApi,
  ReconcileOptions,
} from './ItsmSyncApi';
import { readReconcileStream } from './reconcileStream';

/** Where the itsm-sync backend is: Backstage's DiscoveryApi, or any base URL lookup. @public */
export interface ItsmSyncDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** How requests go out: Backstage's FetchApi (which adds the user's token), or `fetch` with headers added. @public */
export interface ItsmSyncFetch {
  fetch: typeof fetch;
}

type Query = Record<string, string | undefined>;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  accept?: string;
}

/**
 * The one client of the itsm-sync REST API, used by the portal, the `im` CLI, the demo
 * seeding and the tests, as `@backstage/catalog-client` serves the catalog.
 * @public
 */
export class ItsmSyncClient implements ItsmSyncApi {
  private readonly discoveryApi: ItsmSyncDiscovery;
  private readonly fetchApi: ItsmSyncFetch;

  constructor(options: {
    discoveryApi: ItsmSyncDiscovery;
    fetchApi?: ItsmSyncFetch;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? {
      fetch: (input, init) => fetch(input, init),
    };
  }

  async listConnectors(): Promise<ConnectorInfoResponse[]> {
    return this.items('/v1/connectors');
  }

  async listIntegrations(): Promise<IntegrationResponse[]> {
    return this.items('/v1/integrations');
  }

  async getIntegration(integration: string): Promise<IntegrationResponse> {
    return this.json(integrationPath(integration));
  }

  async createIntegration(
    request: CreateIntegrationRequest,
  ): Promise<IntegrationResponse> {
    return this.json('/v1/integrations', { method: 'POST', body: request });
  }

  async updateIntegration(
    integration: string,
    request: UpdateIntegrationRequest,
  ): Promise<IntegrationResponse> {
    return this.json(integrationPath(integration), {
      method: 'PATCH',
      body: request,
    });
  }

  async testIntegration(integration: string): Promise<ConnectionTestResponse> {
    return this.json(integrationPath(integration, '/test'), { method: 'POST' });
  }

  async getSyncStatus(integration: string): Promise<SyncStatusResponse> {
    return this.json(integrationPath(integration, '/sync-status'));
  }

  async getMetricSeries(
    integration: string,
    window: MetricSeriesWindow = '1h',
  ): Promise<MetricSeriesResponse> {
    return this.json(integrationPath(integration, '/metrics/series'), {
      query: { window },
    });
  }

  async listLinks(
    integration: string,
    options: { after?: string } = {},
  ): Promise<IncidentLinksPage> {
    return this.json(integrationPath(integration, '/links'), {
      query: { after: options.after },
    });
  }

  async getOnCall(integration: string, scheduleId: string): Promise<unknown> {
    return this.json(integrationPath(integration, '/oncall'), {
      query: { schedule_id: scheduleId },
    });
  }

  async listFieldOwnership(integration: string): Promise<FieldOwnershipRule[]> {
    return this.items(integrationPath(integration, '/field-ownership'));
  }

  async setFieldOwnership(
    integration: string,
    field: string,
    rule: FieldOwnershipRuleRequest,
  ): Promise<FieldOwnershipUpdateResponse> {
    return this.json(
      integrationPath(integration, `/field-ownership/${enc(field)}`),
      { method: 'PUT', body: rule },
    );
  }

  async deleteFieldOwnership(
    integration: string,
    field: string,
  ): Promise<FieldOwnershipRule[]> {
    const body = await this.json<{ items: FieldOwnershipRule[] }>(
      integrationPath(integration, `/field-ownership/${enc(field)}`),
      { method: 'DELETE' },
    );
    return body.items;
  }

  async listDlq(
    integration: string,
    options: { state?: DlqState } = {},
  ): Promise<DlqEntryResponse[]> {
    return this.items(integrationPath(integration, '/dlq'), {
      state: options.state,
    });
  }

  async retryDlqEntry(
    integration: string,
    entryId: string,
  ): Promise<DlqEntryResponse> {
    return this.json(
      integrationPath(integration, `/dlq/${enc(entryId)}/retry`),
      { method: 'POST' },
    );
  }

  async discardDlqEntry(
    integration: string,
    entryId: string,
  ): Promise<DlqEntryResponse> {
    return this.json(
      integrationPath(integration, `/dlq/${enc(entryId)}/discard`),
      { method: 'POST' },
    );
  }

  async reconcile(
    integration: string,
    request: ReconcileRequest,
    options: ReconcileOptions = {},
  ): Promise<ReconcileRunResponse> {
    const response = await this.send(
      integrationPath(integration, '/reconcile'),
      {
        method: 'POST',
        body: request,
        accept: 'application/x-ndjson, application/json;q=0.9',
      },
    );
    if (!(response.headers.get('content-type') ?? '').includes('ndjson')) {
      // A backend that does not stream answers with the run itself.
      return (await response.json()) as ReconcileRunResponse;
    }
    if (!response.body)
      throw new Error('The backend sent an empty reconcile stream');
    return readReconcileStream(
      response.body as unknown as AsyncIterable<Uint8Array>,
      options.onProgress ?? (() => {}),
    );
  }

  async listReconcileRuns(
    integration: string,
  ): Promise<ReconcileRunResponse[]> {
    return this.items(integrationPath(integration, '/reconcile/history'));
  }

  async resealSecrets(): Promise<ResealSecretsResponse> {
    return this.json('/v1/secrets/reseal', { method: 'POST' });
  }

  async previewRouting(
    request: RoutingPreviewRequest,
  ): Promise<RoutingPreviewResponse> {
    return this.json('/v1/routing/preview', { method: 'POST', body: request });
  }

  async getRouting(integration: string): Promise<IntegrationRoutingResponse> {
    return this.json(integrationPath(integration, '/routing'));
  }

  async setRouting(
    integration: string,
    routing: IntegrationRoutingRequest,
  ): Promise<IntegrationRoutingResponse> {
    return this.json(integrationPath(integration, '/routing'), {
      method: 'PUT',
      body: routing,
    });
  }

  async listCallbackTokens(
    integration: string,
  ): Promise<CallbackTokenResponse[]> {
    return this.items(integrationPath(integration, '/callback-tokens'));
  }

  async createCallbackToken(
    integration: string,
    request: CreateCallbackTokenRequest,
  ): Promise<IssuedCallbackTokenResponse> {
    return this.json(integrationPath(integration, '/callback-tokens'), {
      method: 'POST',
      body: request,
    });
  }

  async revokeCallbackToken(
    integration: string,
    tokenId: string,
  ): Promise<void> {
    await this.send(
      integrationPath(integration, `/callback-tokens/${enc(tokenId)}`),
      { method: 'DELETE' },
    );
  }

  async listUserMappings(
    options: { integration?: string } = {},
  ): Promise<UserMappingResponse[]> {
    return this.items('/v1/user-mappings', {
      integration: options.integration,
    });
  }

  async setUserMapping(
    request: PutUserMappingRequest,
  ): Promise<UserMappingResponse> {
    return this.json('/v1/user-mappings', { method: 'PUT', body: request });
  }

  async deleteUserMapping(id: string): Promise<void> {
    await this.send(`/v1/user-mappings/${enc(id)}`, { method: 'DELETE' });
  }

  async createIncident(
    request: CreateIncidentRequest,
  ): Promise<IncidentResponse> {
    return this.json('/v1/incidents', { method: 'POST', body: request });
  }

  async getIncident(id: string): Promise<IncidentResponse> {
    return this.json(`/v1/incidents/${enc(id)}`);
  }

  async updateIncident(
    id: string,
    request: UpdateIncidentRequest,
  ): Promise<IncidentResponse> {
    return this.json(`/v1/incidents/${enc(id)}`, {
      method: 'PATCH',
      body: request,
    });
  }

  async linkIncident(
    id: string,
    integration: string,
  ): Promise<IncidentResponse> {
    return this.json(`/v1/incidents/${enc(id)}/links`, {
      method: 'POST',
      body: { integration },
    });
  }

  async getIncidentTimeline(id: string): Promise<TimelineEntryResponse[]> {
    return this.items(`/v1/incidents/${enc(id)}/timeline`);
  }

  async listIncidents(query: IncidentQuery = {}): Promise<IncidentResponse[]> {
    return this.items('/v1/incidents', {
      entity_ref: query.entityRef,
      status: query.status,
    });
  }

  async listIncidentsForEntity(entityRef: string): Promise<IncidentResponse[]> {
    return this.listIncidents({ entityRef });
  }

  async previewIntegration(
    integration: string,
    request: IntegrationPreviewRequest,
  ): Promise<IntegrationPreviewResponse> {
    return this.json(integrationPath(integration, '/preview'), {
      method: 'POST',
      body: request,
    });
  }

  async getIncidentTrace(
    id: string,
    options: { link?: string } = {},
  ): Promise<SyncTraceEntry[]> {
    return this.items(`/v1/incidents/${enc(id)}/trace`, { link: options.link });
  }

  async syncIncident(
    integration: string,
    incidentId: string,
  ): Promise<ManualSyncResponse> {
    return this.json(
      integrationPath(integration, `/incidents/${enc(incidentId)}/sync`),
      { method: 'POST' },
    );
  }

  async listConflicts(query: ConflictQuery = {}): Promise<ConflictResponse[]> {
    return this.items('/v1/conflicts', {
      status: query.status,
      integration: query.integration,
    });
  }

  async getConflict(id: string): Promise<ConflictDetailsResponse> {
    return this.json(`/v1/conflicts/${enc(id)}`);
  }

  async resolveConflict(
    id: string,
    resolution: ConflictResolution,
  ): Promise<ConflictResponse> {
    return this.json(`/v1/conflicts/${enc(id)}/resolve`, {
      method: 'POST',
      body: { resolution },
    });
  }

  private async items<T>(path: string, query?: Query): Promise<T[]> {
    const body = await this.json<ItemsResponse<T>>(path, { query });
    return body.items;
  }

  private async json<T>(
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const response = await this.send(path, options);
    // 204 (a revoke) and empty answers have no body to parse.
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(path: string, options: RequestOptions): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('itsm-sync');
    const headers: Record<string, string> = {
      Accept: options.accept ?? 'application/json',
    };
    if (options.body !== undefined)
      headers['Content-Type'] = 'application/json';
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${queryString(options.query)}`,
      {
        method: options.method ?? 'GET',
        headers,
        body:
          options.body === undefined ? undefined : JSON.stringify(options.body),
      },
    );
    if (!response.ok) throw await failure(response);
    return response;
  }
}

/** A failed answer as a `ResponseError`, or the cooldown of a manual sync (429 with its end). */
async function failure(response: Response): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  if (error.statusCode !== 429) return error;
  const body = error.body as unknown as Record<string, unknown>;
  const until = cooldownEnd(body, response.headers.get('retry-after'));
  return until
    ? new ManualSyncCooldownError(error.body.error.message, until)
    : error;
}

function integrationPath(integration: string, rest = ''): string {
  return `/v1/integrations/${enc(integration)}${rest}`;
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
