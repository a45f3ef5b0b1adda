import { CliError, httpErrorMessage } from './errors';
import type { Connection } from './connection';

const API_BASE = '/api/itsm-sync';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** What the call does, for error messages ("get integration 'prod-snow'"). */
  what: string;
}

/** One line per kind of network failure; the URL is shown, the token never is. */
function networkMessage(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return `Cannot connect to the itsm-sync backend at ${url}: connection refused (is it running? set --url or IM_URL)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Cannot connect to the itsm-sync backend at ${url}: host not found`;
  if (code === 'ECONNRESET') return `The connection to the itsm-sync backend at ${url} was reset`;
  if ((error as Error)?.name === 'TimeoutError') return `The itsm-sync backend at ${url} did not answer in time`;
  return `Cannot connect to the itsm-sync backend at ${url}: ${cause?.message ?? (error as Error)?.message ?? 'unknown error'}`;
}

/** A thin client of the itsm-sync REST API (base /api/itsm-sync). */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

  private url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(`${this.connection.url}${API_BASE}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url.toString();
  }

  /** Sends a request and returns the raw response once its status is a success. */
  async send(path: string, options: RequestOptions, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (error) {
      throw new CliError(networkMessage(error, this.connection.url));
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new CliError(httpErrorMessage(response.status, text, options.what));
    }
    return response;
  }

  /** Sends a request and parses the JSON answer (undefined for an empty body). */
  async json<T>(path: string, options: RequestOptions): Promise<T> {
    const response = await this.send(path, options);
    const text = await response.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`The backend answered ${options.what} with something that is not JSON`);
    }
  }
}

/** Path segment for an integration, addressed by id or name. */
export function integrationPath(ref: string, rest = ''): string {
  return `/v1/integrations/${encodeURIComponent(ref)}${rest}`;
}
