import { randomUUID } from 'node:crypto';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { hmacSha256 } from '../signatures';
import type { PlatformIncidentFields, WebhookRequest } from '../types';

/** A ticket held by the test ticket server, in platform vocabulary. @public */
export interface TestTicket extends PlatformIncidentFields {
  id: string;
  dedup_key: string | null;
  notes: string[];
  updated_at: string;
}

/** One write the server accepted, in arrival order. @public */
export interface TestTicketWrite {
  method: string;
  ticketId: string;
  body: Record<string, unknown>;
  receivedAt: number;
}

/** A planned failure. @public */
export interface TestFailure {
  status: number;
  headers?: Record<string, string>;
  /** Hold the request this long before answering (a timeout test). */
  delayMs?: number;
  /** The error body to answer with; `{"error":"injected <status>"}` by default. */
  body?: unknown;
}

/**
 * A small loopback HTTP ticket system for tests of the sync engine and the conformance
 * kit itself: a vendor that speaks the platform's vocabulary, with failure injection.
 * @public
 */
export class TestTicketServer {
  readonly tickets = new Map<string, TestTicket>();
  readonly writes: TestTicketWrite[] = [];
  readonly token = 'test-token';
  readonly pageSize = 3;
  private readonly failures: TestFailure[] = [];
  private server?: Server;
  baseUrl = '';

  static async start(): Promise<TestTicketServer> {
    const s = new TestTicketServer();
    await s.listen();
    return s;
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      });
    });
    return new Promise(resolve =>
      this.server!.listen(0, '127.0.0.1', () => {
        this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
        resolve();
      }),
    );
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }

  /** The next `count` calls answer with this failure. */
  failNext(failure: TestFailure, count = 1) {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** Changes a ticket as a person at the vendor would; returns the signed webhook. */
  vendorEdit(
    id: string,
    changes: Partial<PlatformIncidentFields>,
    secret: string,
    eventId: string = randomUUID(),
  ): WebhookRequest {
    const ticket = this.tickets.get(id);
    if (!ticket) throw new Error(`no ticket ${id}`);
    Object.assign(ticket, changes, { updated_at: new Date().toISOString() });
    return this.signedWebhook(
      {
        event_id: eventId,
        kind: 'updated',
        ticket_id: id,
        changes,
        occurred_at: ticket.updated_at,
      },
      secret,
    );
  }

  /** A webhook body signed the way this vendor signs. */
  signedWebhook(
    payload: Record<string, unknown>,
    secret: string,
  ): WebhookRequest {
    const rawBody = Buffer.from(JSON.stringify(payload));
    return {
      rawBody,
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/json',
        'x-test-signature': `sha256=${hmacSha256(secret, rawBody).toString('hex')}`,
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const send = (
      status: number,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, { error: 'bad token' });
    }
    const failure = this.failures.shift();
    if (failure) {
      if (failure.delayMs)
        await new Promise(r => setTimeout(r, failure.delayMs));
      return send(
        failure.status,
        failure.body ?? { error: `injected ${failure.status}` },
        failure.headers,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length
      ? JSON.parse(Buffer.concat(chunks).toString('utf8'))
      : {};
    const url = new URL(req.url ?? '/', this.baseUrl);
    const parts = url.pathname.split('/').filter(Boolean);
    const now = new Date().toISOString();

    if (req.method === 'GET' && url.pathname === '/health')
      return send(200, { ok: true });
    if (parts[0] !== 'tickets') return send(404, { error: 'not found' });

    if (req.method === 'POST' && parts.length === 1) {
      const id = randomUUID().replace(/-/g, '');
      const ticket: TestTicket = {
        id,
        title: body.title,
        description: body.description ?? '',
        severity: body.severity,
        status: body.status ?? 'open',
        assigned_to: body.assigned_to ?? null,
        escalation_policy: body.escalation_policy ?? null,
        dedup_key: body.dedup_key ?? null,
        notes: [],
        updated_at: now,
      };
      if (!ticket.title || !ticket.severity)
        return send(400, { error: 'title and severity are required' });
      this.tickets.set(id, ticket);
      this.writes.push({
        method: 'create',
        ticketId: id,
        body,
        receivedAt: Date.now(),
      });
      return send(201, ticket);
    }
    if (req.method === 'GET' && parts.length === 1) {
      const dedup = url.searchParams.get('dedup_key');
      if (dedup) {
        return send(200, {
          tickets: [...this.tickets.values()].filter(
            t => t.dedup_key === dedup,
          ),
          more: false,
        });
      }
      const since = Date.parse(
        url.searchParams.get('since') ?? '1970-01-01T00:00:00Z',
      );
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const all = [...this.tickets.values()]
        .filter(t => Date.parse(t.updated_at) >= since)
        .sort(
          (a, b) =>
            a.updated_at.localeCompare(b.updated_at) ||
            a.id.localeCompare(b.id),
        );
      const page = all.slice(offset, offset + this.pageSize);
      return send(200, {
        tickets: page,
        more: offset + this.pageSize < all.length,
      });
    }
    const ticket = this.tickets.get(parts[1]);
    if (!ticket) return send(404, { error: `ticket ${parts[1]} not found` });
    if (req.method === 'GET' && parts.length === 2) return send(200, ticket);
    if (req.method === 'PATCH' && parts.length === 2) {
      Object.assign(ticket, body, { updated_at: now });
      this.writes.push({
        method: 'update',
        ticketId: ticket.id,
        body,
        receivedAt: Date.now(),
      });
      return send(200, ticket);
    }
    if (req.method === 'POST' && parts[2] === 'notes') {
      ticket.notes.push(String(body.text));
      ticket.updated_at = now;
      this.writes.push({
        method: 'note',
        ticketId: ticket.id,
        body,
        receivedAt: Date.now(),
      });
      return send(201, { ok: true });
    }
    return send(405, { error: 'method not allowed' });
  }
}
