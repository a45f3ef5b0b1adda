import { toError } from '@backstage/errors';
import { errors as undiciErrors, request as undiciRequest } from 'undici';
import {
  ConnectorError,
  isRetryableStatus,
  rateLimitResetFrom,
} from './errors';
import { OutboundPolicy } from './outbound/OutboundPolicy';
import { OutboundRefusedError } from './outbound/OutboundRefusedError';
import { vendorExcerpt } from './vendorExcerpt';

/** Options of one vendor request. @public */
export interface VendorRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to `baseUrl`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
  /** Milliseconds until the vendor starts answering, and the longest stall mid-body; the default is 10 s. */
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

class ResponseTooLargeError extends Error {}
class DeadlineError extends Error {}

/**
 * A small JSON client for connectors over undici's `request` (pooled keep-alive
 * connections, a fraction of `fetch`'s cost per call, which matters at thousands of
 * deliveries a second): joins URLs, applies timeouts, and turns every failure into a
 * `ConnectorError` the retry engine understands. Retrying is deliberately not done
 * here: the outbox retries durably, on its schedule.
 *
 * Every request goes through an `OutboundPolicy` (docs/DESIGN.md "Outbound policy"):
 * pass the connector context's `outbound`; without one, the strict policy (no private
 * address at all) applies. Redirects are never followed; a 3xx is a failed call.
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
      /** Where this client may connect; `ConnectorContext.outbound`. */
      outbound?: OutboundPolicy;
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
    const policy = this.options.outbound ?? OutboundPolicy.strict();
    const target = new URL(url);
    const what = `${this.options.vendor} ${method} ${target.pathname}`;
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    // One deadline for the whole call, besides undici's per-phase timeouts.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DeadlineError()),
      policy.deadlineMs,
    );
    const onCallerAbort = () => deadline.abort(req.signal?.reason);
    if (req.signal?.aborted) onCallerAbort();
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      policy.checkUrl(target);
      const response = await undiciRequest(url, {
        method,
        headers,
        body,
        signal: deadline.signal,
        dispatcher: policy.dispatcher,
        // The vendor must start answering in time, and never stall longer than that mid-body.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      responseHeaders = toHeaders(response.headers);
      text = await readCapped(response.body, policy.maxResponseBytes);
    } catch (error) {
      const refused = refusalOf(error);
      if (refused) {
        throw new ConnectorError({
          message: `${what} refused by the outbound policy: ${refused.message}`,
          kind: 'permanent',
          cause: refused,
        });
      }
      if (error instanceof ResponseTooLargeError) {
        throw new ConnectorError({
          message: `${what} answered more than ${policy.maxResponseBytes} bytes (itsmSync.outbound.maxResponseBytes)`,
          kind: 'permanent',
        });
      }
      const timedOut =
        deadline.signal.reason instanceof DeadlineError ||
        error instanceof undiciErrors.HeadersTimeoutError ||
        error instanceof undiciErrors.BodyTimeoutError;
      throw new ConnectorError({
        message: `${what} ${timedOut ? 'timed out' : `failed: ${toError(error).message}`}`,
        kind: 'retryable',
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
    if (status < 200 || status > 299) {
      const trimmed = text.slice(0, MAX_ERROR_BODY);
      const base = `${what} answered ${status}`;
      if (status === 429) {
        throw new ConnectorError({
          message: base,
          kind: 'rate_limited',
          status: 429,
          body: trimmed,
          notBefore: rateLimitResetFrom(responseHeaders),
        });
      }
      // The message is shown to every reader (links, DLQ): only a short sanitised excerpt;
      // the full body stays on `body` for those allowed to manage the integration.
      const excerpt = vendorExcerpt(text);
      throw new ConnectorError({
        message: excerpt ? `${base}: ${excerpt}` : base,
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

/** The body as text, refusing more than `max` bytes (checked as it streams, not after). */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new ResponseTooLargeError();
    }
    chunks.push(chunk);
  }
  return chunks.length === 1
    ? chunks[0].toString('utf8')
    : Buffer.concat(chunks, size).toString('utf8');
}

/** The policy's refusal, whether thrown before the request or by the connection's lookup. */
function refusalOf(error: unknown): OutboundRefusedError | undefined {
  for (
    let e = error, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof OutboundRefusedError) return e;
  }
  return undefined;
}

function toHeaders(
  raw: Record<string, string | string[] | undefined>,
): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
