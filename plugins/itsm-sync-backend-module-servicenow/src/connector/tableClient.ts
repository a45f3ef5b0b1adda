import {
  ConnectorError,
  VendorHttpClient,
  type ConnectorContext,
  type VendorRequest,
  type VendorResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { normaliseRecord, type ServiceNowRecord } from '../mappings/record';
import type { OAuthTokenCache } from './oauthTokens';

/** The columns every read asks for. */
const INCIDENT_FIELDS = [
  'sys_id',
  'number',
  'short_description',
  'description',
  'state',
  'impact',
  'urgency',
  'priority',
  'assigned_to',
  'correlation_id',
  'hold_reason',
  'close_code',
  'close_notes',
  'sys_updated_on',
  'sys_updated_by',
].join(',');

/** Values and display values in one read, references without links. */
const READ_PARAMS = {
  sysparm_display_value: 'all',
  sysparm_exclude_reference_link: 'true',
  sysparm_fields: INCIDENT_FIELDS,
};

const INCIDENT_PATH = '/api/now/table/incident';

function usesOAuth(ctx: ConnectorContext): boolean {
  const { credentials } = ctx.integration;
  return Boolean(
    credentials.client_id &&
    credentials.client_secret &&
    !(credentials.username && credentials.password),
  );
}

/**
 * The Table API calls the connector makes, authenticated with basic auth or an OAuth
 * client-credentials token (renewed once when the instance refuses it).
 */
export class IncidentTableClient {
  constructor(
    private readonly ctx: ConnectorContext,
    private readonly tokens: OAuthTokenCache,
  ) {}

  private async send<T>(request: VendorRequest): Promise<VendorResponse<T>> {
    const attempt = async () => {
      const authorization = usesOAuth(this.ctx)
        ? `Bearer ${await this.tokens.token(this.ctx)}`
        : `Basic ${Buffer.from(`${this.ctx.integration.credentials.username}:${this.ctx.integration.credentials.password}`).toString('base64')}`;
      const client = new VendorHttpClient({
        baseUrl: this.ctx.integration.baseUrl,
        vendor: 'ServiceNow',
        outbound: this.ctx.outbound,
        headers: () => ({ authorization }),
      });
      return client.request<T>({
        ...request,
        signal: request.signal ?? this.ctx.signal,
      });
    };
    try {
      return await attempt();
    } catch (error) {
      if (
        usesOAuth(this.ctx) &&
        error instanceof ConnectorError &&
        error.status === 401
      ) {
        this.tokens.forget(this.ctx);
        return attempt();
      }
      throw error;
    }
  }

  async list(query: string, limit: number, offset = 0) {
    const response = await this.send<{ result: unknown[] }>({
      path: INCIDENT_PATH,
      query: {
        ...READ_PARAMS,
        sysparm_query: query,
        sysparm_limit: limit,
        sysparm_offset: offset,
      },
    });
    const link = response.headers.get('link') ?? '';
    return {
      records: (response.body?.result ?? []).map(normaliseRecord),
      hasNext: /rel="?next"?/.test(link),
      total: Number(response.headers.get('x-total-count') ?? NaN),
    };
  }

  /** Undefined when the instance answers 404. */
  async get(sysId: string): Promise<ServiceNowRecord | undefined> {
    try {
      const response = await this.send<{ result: unknown }>({
        path: `${INCIDENT_PATH}/${encodeURIComponent(sysId)}`,
        query: READ_PARAMS,
      });
      return normaliseRecord(response.body?.result);
    } catch (error) {
      if (error instanceof ConnectorError && error.status === 404)
        return undefined;
      throw error;
    }
  }

  async create(columns: Record<string, string>): Promise<ServiceNowRecord> {
    const response = await this.send<{ result: unknown }>({
      method: 'POST',
      path: INCIDENT_PATH,
      query: READ_PARAMS,
      body: columns,
    });
    return normaliseRecord(response.body?.result);
  }

  async update(
    sysId: string,
    columns: Record<string, string>,
  ): Promise<ServiceNowRecord> {
    const response = await this.send<{ result: unknown }>({
      method: 'PATCH',
      path: `${INCIDENT_PATH}/${encodeURIComponent(sysId)}`,
      query: READ_PARAMS,
      body: columns,
    });
    return normaliseRecord(response.body?.result);
  }
}
