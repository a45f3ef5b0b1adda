import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the ITSM received, with its body parsed as JSON (it must be valid JSON). */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  rawBody: string;
}

/**
 * A tiny ITSM on loopback for tests: creates tickets (answering the id nested at
 * `data[0].id`), accepts updates and comments, and records every request.
 */
export class LoopbackItsm {
  readonly requests: RecordedRequest[] = [];
  /** Status codes to answer the next requests with, before normal handling. */
  readonly failNext: number[] = [];
  private counter = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<LoopbackItsm> {
    const server = createServer();
    const itsm = new LoopbackItsm(server);
    server.on('request', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"invalid JSON"}');
        return;
      }
      const path = req.url ?? '/';
      itsm.requests.push({
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body,
        rawBody,
      });
      const failure = itsm.failNext.shift();
      if (failure) {
        res
          .writeHead(failure, { 'content-type': 'application/json' })
          .end('{"error":"injected"}');
        return;
      }
      if (req.method === 'POST' && path === '/rest/api/tickets') {
        itsm.counter += 1;
        const id = `T-${itsm.counter}`;
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: [{ id, key: `OPS-${itsm.counter}` }] }));
        return;
      }
      if (req.method === 'PUT' && /^\/rest\/api\/tickets\/[^/]+$/.test(path)) {
        res.writeHead(204).end();
        return;
      }
      if (
        req.method === 'POST' &&
        /^\/rest\/api\/tickets\/[^/]+\/comments$/.test(path)
      ) {
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end('{"ok":true}');
        return;
      }
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":"no route"}');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return itsm;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  writesTo(pathPrefix: string, method?: string): RecordedRequest[] {
    return this.requests.filter(
      r => r.path.startsWith(pathPrefix) && (!method || r.method === method),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}
