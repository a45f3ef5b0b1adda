import { toError } from '@backstage/errors';
import { ConnectorError, WebhookParseError } from '../errors';
import { VendorHttpClient } from '../http';
import { anyHmacSha256Matches } from '../signatures';
import type {
  ConnectorContext,
  ExternalTicket,
  ItsmConnector,
  NormalizedChange,
  ParsedWebhook,
} from '../types';
import { ignoredWebhook } from '../webhookEvents';
import type { TestTicket } from './testTicketServer';

function toExternal(t: TestTicket): ExternalTicket {
  return {
    externalId: t.id,
    externalKey: `T-${t.id.slice(0, 6)}`,
    fields: {
      title: t.title,
      description: t.description,
      severity: t.severity,
      status: t.status,
      assigned_to: t.assigned_to,
      escalation_policy: t.escalation_policy,
    },
    updatedAt: t.updated_at,
    dedupKey: t.dedup_key ?? undefined,
  };
}

function client(ctx: ConnectorContext) {
  return new VendorHttpClient({
    baseUrl: ctx.integration.baseUrl,
    vendor: 'Test tickets',
    outbound: ctx.outbound,
    headers: () => ({
      authorization: `Bearer ${ctx.integration.credentials.token}`,
    }),
  });
}

/**
 * A connector for the `TestTicketServer`, used by the core's tests and as a small,
 * complete example of the contract.
 * @public
 */
export function createTestConnector(type = 'test'): ItsmConnector {
  return {
    type,
    displayName: `Test tickets (${type})`,
    capabilities: {
      inboundCreate: true,
    },
    fields: [
      'title',
      'description',
      'severity',
      'status',
      'assigned_to',
      'escalation_policy',
      'notes',
    ],
    defaultFieldOwnership: [
      { field: 'title', owner: 'platform', priority: 10 },
      { field: 'description', owner: 'platform', priority: 10 },
      { field: 'severity', owner: 'platform', priority: 10 },
      { field: 'assigned_to', owner: 'external', priority: 5 },
    ],
    mappings: {
      fields: ['title', 'description', 'severity', 'status', 'assigned_to'].map(
        f => ({ platform: f, external: f }),
      ),
      status: ['open', 'mitigated', 'resolved', 'closed'].map(s => ({
        platform: s,
        external: s,
      })),
      severity: ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'].map(s => ({
        platform: s,
        external: s,
      })),
    },
    webhookAuth: 'HMAC-SHA256 (x-test-signature)',
    credentialKeys: [['token']],

    async testConnection(ctx) {
      try {
        await client(ctx).request({ path: '/health' });
        return { ok: true, message: 'Reached the test ticket server' };
      } catch (e) {
        return { ok: false, message: toError(e).message };
      }
    },
    async createTicket(ctx, { incident, dedupKey }) {
      const { body } = await client(ctx).request<TestTicket>({
        method: 'POST',
        path: '/tickets',
        body: {
          title: incident.title,
          description: incident.description,
          severity: incident.severity,
          status: incident.status,
          assigned_to: incident.assigned_to,
          escalation_policy: incident.escalation_policy,
          dedup_key: dedupKey,
        },
      });
      return toExternal(body);
    },
    async findTicketByDedupKey(ctx, dedupKey) {
      const { body } = await client(ctx).request<{ tickets: TestTicket[] }>({
        path: '/tickets',
        query: { dedup_key: dedupKey },
      });
      return body.tickets[0] ? toExternal(body.tickets[0]) : undefined;
    },
    async updateTicket(ctx, { externalId, changes }) {
      const { body } = await client(ctx).request<TestTicket>({
        method: 'PATCH',
        path: `/tickets/${encodeURIComponent(externalId)}`,
        body: changes,
      });
      return toExternal(body);
    },
    async addNote(ctx, externalId, note) {
      await client(ctx).request({
        method: 'POST',
        path: `/tickets/${encodeURIComponent(externalId)}/notes`,
        body: { text: note.text },
      });
    },
    async fetchTicket(ctx, externalId) {
      try {
        const { body } = await client(ctx).request<TestTicket>({
          path: `/tickets/${encodeURIComponent(externalId)}`,
        });
        return toExternal(body);
      } catch (e) {
        if (e instanceof ConnectorError && e.status === 404) return undefined;
        throw e;
      }
    },
    async listChangedSince(ctx, since, cursor) {
      const offset = cursor ? Number(cursor) : 0;
      const { body } = await client(ctx).request<{
        tickets: TestTicket[];
        more: boolean;
      }>({
        path: '/tickets',
        query: { since: since.toISOString(), offset },
      });
      return {
        tickets: body.tickets.map(toExternal),
        nextCursor: body.more
          ? String(offset + body.tickets.length)
          : undefined,
      };
    },
    async verifyWebhook(ctx, request) {
      const header = request.headers['x-test-signature'];
      if (!header)
        return { ok: false, reason: 'missing x-test-signature header' };
      const presented = header
        .split(',')
        .map(s => s.trim().replace(/^sha256=/, ''));
      return anyHmacSha256Matches(
        ctx.integration.webhookSecrets,
        request.rawBody,
        presented,
      )
        ? { ok: true }
        : { ok: false, reason: 'signature does not match' };
    },
    async parseWebhook(
      _ctx,
      request,
    ): Promise<NormalizedChange[] | ParsedWebhook> {
      let payload: any;
      try {
        payload = JSON.parse(request.rawBody.toString('utf8'));
      } catch {
        throw new WebhookParseError('body is not JSON');
      }
      // An event the test vendor says the hub does not act on.
      if (typeof payload?.ignored_reason === 'string') {
        return ignoredWebhook({
          eventType: String(payload.event_type ?? 'test.event'),
          reason: payload.ignored_reason,
          eventId:
            typeof payload.event_id === 'string' ? payload.event_id : undefined,
          externalId:
            typeof payload.ticket_id === 'string'
              ? payload.ticket_id
              : undefined,
        });
      }
      if (
        typeof payload?.event_id !== 'string' ||
        typeof payload?.ticket_id !== 'string'
      ) {
        throw new WebhookParseError('event_id and ticket_id must be strings');
      }
      const kind = ['created', 'updated', 'note', 'event'].includes(
        payload.kind,
      )
        ? payload.kind
        : 'updated';
      return [
        {
          eventId: payload.event_id,
          externalId: payload.ticket_id,
          kind,
          fields: payload.changes ?? {},
          note: payload.note ? { text: String(payload.note) } : undefined,
          occurredAt: payload.occurred_at ?? new Date().toISOString(),
          ticket: payload.ticket ? toExternal(payload.ticket) : undefined,
        },
      ];
    },
  };
}
