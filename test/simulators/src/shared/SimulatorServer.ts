import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/** A parsed request handed to a route. */
export interface SimRequest {
  method: string;
  url: URL;
  /** Path parameters captured by `:name` segments. */
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  /** JSON body, or undefined when absent; routes answer 400 themselves on bad JSON. */
  json: () => any;
}

/** What a route answers. */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SimRoute = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** A planned failure of the next matching vendor call. */
export interface InjectedFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Hold the request before answering (timeouts). */
  delayMs?: number;
  /** Only requests whose path starts with this fail. */
  pathPrefix?: string;
}

/** Probabilistic faults, for the reliability suite. */
export interface FaultRates {
  /** Share of calls answered 500. */
  error500?: number;
  /** Share answered 429 with Retry-After of `retryAfterSeconds`. */
  rateLimited?: number;
  retryAfterSeconds?: number;
  /** Share held for `timeoutMs` before answering 504. */
  timeout?: number;
  timeoutMs?: number;
}

/** One inbound call, recorded for tests and benchmarks. */
export interface RecordedCall {
  method: string;
  path: string;
  status: number;
  at: number;
  body?: unknown;
}

const ADMIN_PREFIX = '/__admin';

/**
 * The HTTP core every vendor simulator shares: a loopback server with a route table,
 * failure injection, a request budget per window (to answer 429 like the vendor) and a
 * call log. Admin routes live under `/__admin` and never count against the budget.
 */
export class SimulatorServer {
  private server?: Server;
  private readonly routes: Array<{
    method: string;
    pattern: RegExp;
    keys: string[];
    route: SimRoute;
  }> = [];
  private readonly failures: InjectedFailure[] = [];
  faults: FaultRates = {};
  /** Requests allowed per `budgetWindowMs`; Infinity means no limit. */
  budget = Infinity;
  budgetWindowMs = 60_000;
  private windowStart = Date.now();
  private windowCount = 0;
  readonly calls: RecordedCall[] = [];
  /** Keep at most this many calls in the log. */
  maxRecordedCalls = 100_000;
  baseUrl = '';

  constructor(
    /** Names the vendor in logs. */
    readonly vendor: string,
    /** Builds the vendor's own error body for a status and message. */
    private readonly errorBody: (status: number, message: string) => unknown,
    /** Builds the vendor's rate-limit headers when the budget is spent. */
    private readonly rateLimitHeaders: (
      resetSeconds: number,
      limit: number,
    ) => Record<string, string> = s => ({
      'retry-after': String(s),
    }),
  ) {
    this.route('POST', `${ADMIN_PREFIX}/failures`, req => {
      const body = req.json() ?? {};
      const count = Number(body.count ?? 1);
      for (let i = 0; i < count; i++)
        this.failures.push({ ...body, count: undefined });
      return { status: 204 };
    });
    this.route('POST', `${ADMIN_PREFIX}/faults`, req => {
      this.faults = req.json() ?? {};
      return { status: 204 };
    });
    this.route('POST', `${ADMIN_PREFIX}/budget`, req => {
      const body = req.json() ?? {};
      this.setBudget(body.limit ?? Infinity, body.window_ms ?? 60_000);
      return { status: 204 };
    });
    this.route('GET', `${ADMIN_PREFIX}/calls`, () => ({
      status: 200,
      body: this.calls,
    }));
  }

  /** Registers a route; `:name` segments become params. Later routes do not shadow earlier ones. */
  route(method: string, path: string, route: SimRoute) {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/:(\w+)/g, (_, k) => {
          keys.push(k);
          return '([^/]+)';
        })}/?$`,
    );
    this.routes.push({ method, pattern, keys, route });
  }

  failNext(failure: InjectedFailure, count = 1) {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  setBudget(limit: number, windowMs = 60_000) {
    this.budget = limit;
    this.budgetWindowMs = windowMs;
    this.windowStart = Date.now();
    this.windowCount = 0;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        this.write(res, {
          status: 500,
          body: this.errorBody(500, String(error)),
        });
      });
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.baseUrl = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise(resolve => this.server!.close(resolve));
    this.server = undefined;
  }

  private write(res: ServerResponse, out: SimResponse) {
    const headers: Record<string, string> = { ...out.headers };
    let payload = '';
    if (out.body !== undefined) {
      payload =
        typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      if (!Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    res.writeHead(out.status, headers);
    res.end(payload);
  }

  private record(call: RecordedCall) {
    if (this.calls.length >= this.maxRecordedCalls) this.calls.shift();
    this.calls.push(call);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.baseUrl || 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const isAdmin = url.pathname.startsWith(ADMIN_PREFIX);

    if (!isAdmin) {
      const early = await this.injected(url.pathname);
      if (early) {
        this.record({
          method,
          path: url.pathname,
          status: early.status,
          at: Date.now(),
        });
        return this.write(res, early);
      }
    }

    for (const r of this.routes) {
      if (r.method !== method) continue;
      const match = r.pattern.exec(url.pathname);
      if (!match) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(match[i + 1])));
      let parsed: unknown;
      let parsedOnce = false;
      const out = await r.route({
        method,
        url,
        params,
        headers: req.headers,
        rawBody,
        json: () => {
          if (!parsedOnce) {
            parsedOnce = true;
            parsed = rawBody.length
              ? JSON.parse(rawBody.toString('utf8'))
              : undefined;
          }
          return parsed;
        },
      });
      if (!isAdmin) {
        let body: unknown;
        try {
          body = rawBody.length
            ? JSON.parse(rawBody.toString('utf8'))
            : undefined;
        } catch {
          body = undefined;
        }
        this.record({
          method,
          path: url.pathname,
          status: out.status,
          at: Date.now(),
          body,
        });
      }
      return this.write(res, out);
    }
    return this.write(res, {
      status: 404,
      body: this.errorBody(404, `No route for ${method} ${url.pathname}`),
    });
  }

  /** An injected failure, a fault or a spent budget, if this call meets one. */
  private async injected(path: string): Promise<SimResponse | undefined> {
    const index = this.failures.findIndex(
      f => !f.pathPrefix || path.startsWith(f.pathPrefix),
    );
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      if (failure.delayMs)
        await new Promise(r => setTimeout(r, failure.delayMs));
      return {
        status: failure.status,
        headers: failure.headers,
        body:
          failure.body ??
          this.errorBody(failure.status, `Injected failure ${failure.status}`),
      };
    }
    const roll = Math.random();
    const { error500 = 0, rateLimited = 0, timeout = 0 } = this.faults;
    if (roll < error500)
      return { status: 500, body: this.errorBody(500, 'Injected fault') };
    if (roll < error500 + rateLimited) {
      const seconds = this.faults.retryAfterSeconds ?? 1;
      return {
        status: 429,
        headers: this.rateLimitHeaders(seconds, this.budget),
        body: this.errorBody(429, 'Rate limit exceeded'),
      };
    }
    if (roll < error500 + rateLimited + timeout) {
      await new Promise(r => setTimeout(r, this.faults.timeoutMs ?? 15_000));
      return { status: 504, body: this.errorBody(504, 'Injected timeout') };
    }
    const now = Date.now();
    if (now - this.windowStart >= this.budgetWindowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount > this.budget) {
      const resetSeconds = Math.max(
        1,
        Math.ceil((this.windowStart + this.budgetWindowMs - now) / 1000),
      );
      return {
        status: 429,
        headers: this.rateLimitHeaders(resetSeconds, this.budget),
        body: this.errorBody(429, 'Rate limit exceeded'),
      };
    }
    return undefined;
  }
}
