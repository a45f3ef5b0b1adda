import { ConnectorError, isRetryableStatus, rateLimitResetFrom } from './errors';

/** Options of one vendor request. @public */
export interface VendorRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to `baseUrl`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
  /** Milliseconds; the default is 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A parsed vendor response. @public */
export interface VendorResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

const MAX_ERROR_BODY = 2000;

/**
 * A small JSON client over the platform `fetch` for connectors: joins URLs, applies a
 * timeout, and turns every failure into a `ConnectorError` the retry engine understands.
 * Retrying is deliberately not done here: the outbox retries durably, on its schedule.
 * @public
 */
export class VendorHttpClient {
  constructor(
    private readonly options: {
      baseUrl: string;
      /** Headers on every request (authentication, Accept). */
      headers: () => Record<string, string>;
      /** Names the vendor in error messages. */
      vendor: string;
      fetchImpl?: typeof fetch;
    },
  ) {}

  url(path: string, query?: VendorRequest['query']): string {
    const url = /^https?:\/\//.test(path)
      ? new URL(path)
      : new URL(
          path.replace(/^\//, ''),
          this.options.baseUrl.endsWith('/')
            ? this.options.baseUrl
            : `${this.options.baseUrl}/`,
        );
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async request<T = unknown>(req: VendorRequest): Promise<VendorResponse<T>> {
    const method = req.method ?? 'GET';
    const url = this.url(req.path, req.query);
    const timeout = AbortSignal.timeout(req.timeoutMs ?? 10_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers(),
      ...req.headers,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (!Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    let response: Response;
    try {
      response = await (this.options.fetchImpl ?? fetch)(url, {
        method,
        headers,
        body,
        signal,
      });
    } catch (error) {
      const timedOut = timeout.aborted;
      throw new ConnectorError({
        message: `${this.options.vendor} ${method} ${new URL(url).pathname} ${
          timedOut ? 'timed out' : `failed: ${(error as Error).message}`
        }`,
        kind: 'retryable',
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      const trimmed = text.slice(0, MAX_ERROR_BODY);
      const base = `${this.options.vendor} ${method} ${new URL(url).pathname} answered ${response.status}`;
      if (response.status === 429) {
        throw new ConnectorError({
          message: base,
          kind: 'rate_limited',
          status: 429,
          body: trimmed,
          notBefore: rateLimitResetFrom(response.headers),
        });
      }
      throw new ConnectorError({
        message: `${base}: ${trimmed}`,
        kind: isRetryableStatus(response.status) ? 'retryable' : 'permanent',
        status: response.status,
        body: trimmed,
      });
    }
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
}
