import type { ConnectorContext, ExternalTicket, ItsmConnector } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { ConnectorError } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { FIELD_MAPPING, toServiceNowColumns } from '../mappings/fields';
import { toGlideDateTime } from '../mappings/glideDateTime';
import { DEFAULT_SETTINGS, resolveSettings } from '../mappings/settings';
import { decodeCursor, encodeCursor } from './changedCursor';
import { OAuthTokenCache } from './oauthTokens';
import { IncidentTableClient } from './tableClient';
import { toExternalTicket } from './tickets';
import { verifyServiceNowWebhook } from './webhookVerification';
import { parseServiceNowWebhook } from './webhookPayload';

/** Shown in correlation_display so people in ServiceNow see who keeps the ticket in sync. */
const CORRELATION_DISPLAY = 'ITSM Sync Hub';
/** sys_idIN lists are kept short enough for a URL. */
const FETCH_CHUNK = 100;

/** An encoded query value must not contain the `^` separator (ServiceNow escapes it as `^^`). */
function queryValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new ConnectorError({ message: 'query value contains a line break', kind: 'permanent' });
  return value.replace(/\^/g, '^^');
}

/**
 * The ServiceNow connector: incidents over the Table API, the spec 001 business-rule
 * webhook in, mappings overridable through the integration's `settings`.
 */
export function createServiceNowConnector(): ItsmConnector {
  const tokens = new OAuthTokenCache();
  const table = (ctx: ConnectorContext) => new IncidentTableClient(ctx, tokens);
  const settingsOf = (ctx: ConnectorContext) => resolveSettings(ctx.integration.settings);
  const ticket = (ctx: ConnectorContext, record: Parameters<typeof toExternalTicket>[0]) =>
    toExternalTicket(record, settingsOf(ctx), ctx.integration.baseUrl);

  return {
    type: 'servicenow',
    displayName: 'ServiceNow',
    capabilities: { outbound: true, inbound: true, notes: true, listChanged: true, inboundCreate: false },
    fields: ['title', 'description', 'severity', 'status', 'assigned_to', 'work_notes'],
    // Spec 000 "Default Ownership Rules" for ServiceNow.
    defaultFieldOwnership: [
      { field: 'severity', owner: 'platform', priority: 10 },
      { field: 'title', owner: 'platform', priority: 10 },
      { field: 'description', owner: 'platform', priority: 10 },
      { field: 'assigned_to', owner: 'external', priority: 5 },
      { field: 'work_notes', owner: 'external', priority: 5 },
    ],
    mappings: {
      fields: FIELD_MAPPING,
      status: [
        { platform: 'open', external: 'New (1), In Progress (2)' },
        { platform: 'mitigated', external: 'On Hold (3, with hold_reason), Pending (4)' },
        { platform: 'resolved', external: 'Resolved (6, with close_code and close_notes)' },
        { platform: 'closed', external: 'Closed (7)' },
      ],
      severity: Object.entries(DEFAULT_SETTINGS.severity_map).map(([severity, { impact, urgency }]) => ({
        platform: severity,
        external: `impact ${impact} / urgency ${urgency}${severity === 'SEV-2' ? ' (or 2 / 1)' : ''}`,
      })),
    },
    webhookAuth: 'HMAC-SHA256 (X-ServiceNow-Signature, hex or Base64)',
    credentialKeys: [
      ['username', 'password'],
      ['client_id', 'client_secret'],
    ],

    validateSettings(settings) {
      resolveSettings(settings);
    },

    platformFieldFor(field) {
      return field === 'work_notes' ? 'notes' : field;
    },

    async testConnection(ctx) {
      try {
        const { total } = await table(ctx).list('ORDERBYDESCsys_updated_on', 1);
        const count = Number.isFinite(total) ? ` (${total} incidents visible)` : '';
        return { ok: true, message: `Reached the ServiceNow incident table${count}` };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },

    async createTicket(ctx, { incident, dedupKey }) {
      const columns = toServiceNowColumns(incident, settingsOf(ctx), { creating: true });
      const record = await table(ctx).create({
        ...columns,
        correlation_id: dedupKey,
        correlation_display: CORRELATION_DISPLAY,
      });
      return ticket(ctx, record);
    },

    async findTicketByDedupKey(ctx, dedupKey) {
      const { records } = await table(ctx).list(`correlation_id=${queryValue(dedupKey)}^ORDERBYsys_created_on`, 10);
      // An instance that ignores an unusable condition returns everything: check the key.
      const match = records.find(r => r.correlation_id?.value === dedupKey);
      return match ? ticket(ctx, match) : undefined;
    },

    async updateTicket(ctx, { externalId, changes }) {
      const columns = toServiceNowColumns(changes, settingsOf(ctx));
      if (!Object.keys(columns).length) return undefined;
      return ticket(ctx, await table(ctx).update(externalId, columns));
    },

    async addNote(ctx, externalId, note) {
      const text = note.author ? `${note.text}\n\n(${note.author}, via ITSM Sync Hub)` : note.text;
      await table(ctx).update(externalId, { work_notes: text });
    },

    async fetchTicket(ctx, externalId) {
      const record = await table(ctx).get(externalId);
      return record?.sys_id?.value ? ticket(ctx, record) : undefined;
    },

    async fetchTickets(ctx, externalIds) {
      const out: ExternalTicket[] = [];
      const ids = [...new Set(externalIds)].filter(id => /^[0-9a-f]{32}$/i.test(id));
      for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
        const chunk = ids.slice(i, i + FETCH_CHUNK);
        const { records } = await table(ctx).list(`sys_idIN${chunk.join(',')}`, chunk.length);
        out.push(...records.map(r => ticket(ctx, r)));
      }
      return out;
    },

    async listChangedSince(ctx, since, cursor) {
      const settings = settingsOf(ctx);
      const start = cursor ? decodeCursor(cursor) : { from: toGlideDateTime(since), offset: 0 };
      const { records, hasNext } = await table(ctx).list(
        `sys_updated_on>=${start.from}^ORDERBYsys_updated_on^ORDERBYsys_id`,
        settings.page_size,
        start.offset,
      );
      const tickets = records.map(r => toExternalTicket(r, settings, ctx.integration.baseUrl));
      if (!hasNext || !records.length) return { tickets };
      const last = records[records.length - 1].sys_updated_on?.value ?? start.from;
      const atLast = records.filter(r => r.sys_updated_on?.value === last).length;
      const offset = last === start.from ? start.offset + atLast : atLast;
      return { tickets, nextCursor: encodeCursor({ from: last, offset }) };
    },

    async verifyWebhook(ctx, request) {
      let options: Parameters<typeof verifyServiceNowWebhook>[2] = { requireTimestamp: true };
      try {
        const settings = settingsOf(ctx);
        options = { requireTimestamp: settings.require_timestamp, scheme: settings.webhook_signature_scheme };
      } catch {
        // Unreadable settings: the strictest form of the default scheme.
      }
      return verifyServiceNowWebhook(request, ctx.integration.webhookSecrets, options);
    },

    async parseWebhook(ctx, request) {
      return parseServiceNowWebhook(request, settingsOf(ctx), ctx.integration.baseUrl);
    },
  };
}
