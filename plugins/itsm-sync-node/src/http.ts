import { errors as undiciErrors, request as undiciRequest } from 'undici';
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
 * A small JSON client for connectors over undici's `request` (pooled keep-alive
 * connections, a fraction of `fetch`'s cost per call, which matters at thousands of
 * deliveries a second): joins URLs, applies a timeout, and turns every failure into a
 * `ConnectorError` the retry engine understands. Retrying is deliberately not done
 * here: the outbox retries durably, on its schedule.
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
    const timeoutMs = req.timeoutMs ?? 10_000;
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
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      const response = await undiciRequest(url, {
        method,
        headers,
        body,
        signal: req.signal,
        // The vendor must start answering in time, and never stall longer than that mid-body.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      responseHeaders = toHeaders(response.headers);
      text = await response.body.text();
    } catch (error) {
      const timedOut =
        error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;
      throw new ConnectorError({
        message: `${this.options.vendor} ${method} ${new URL(url).pathname} ${
          timedOut ? 'timed out' : `failed: ${(error as Error).message}`
        }`,
        kind: 'retryable',
        cause: error,
      });
    }
    if (status < 200 || status > 299) {
      const trimmed = text.slice(0, MAX_ERROR_BODY);
      const base = `${this.options.vendor} ${method} ${new URL(url).pathname} answered ${status}`;
      if (status === 429) {
        throw new ConnectorError({
          message: base,
          kind: 'rate_limited',
          status: 429,
          body: trimmed,
          notBefore: rateLimitResetFrom(responseHeaders),
        });
      }
      throw new ConnectorError({
        message: `${base}: ${trimmed}`,
        kind: isRetryableStatus(status) ? 'retryable' : 'permanent',
        status,
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
    return { status, headers: responseHeaders, body: parsed as T };
  }
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
