import { toError } from '@backstage/errors';
import { serviceNowSettings } from '../mappings/settingsSchema';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ConnectorError,
  formatNoteForVendor,
  validateNoteChannels,
  type ChangedTicketsPage,
  type ConnectorCapabilities,
  type ConnectorContext,
  type ConnectorMappingDescription,
  type CreateTicketInput,
  type ExternalTicket,
  type IncidentNote,
  type ItsmConnector,
  type UpdateTicketInput,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { FIELD_MAPPING, toServiceNowColumns } from '../mappings/fields';
import { toGlideDateTime } from '../mappings/glideDateTime';
import {
  DEFAULT_SETTINGS,
  resolveSettings,
  type ServiceNowSettings,
} from '../mappings/settings';
import { decodeCursor, encodeCursor } from './changedCursor';
import { OAuthTokenCache } from './oauthTokens';
import { IncidentTableClient } from './tableClient';
import type { ServiceNowRecord } from '../mappings/record';
import { toExternalTicket } from './tickets';
import { verifyServiceNowWebhook } from './webhookVerification';
import { parseServiceNowWebhook } from './webhookPayload';
import { JOURNAL_COLUMNS, journalColumnFor } from './noteChannels';
import {
  assignmentGroupColumns,
  validateAssignmentGroups,
} from './assignmentGroups';

/** Shown in correlation_display so people in ServiceNow see who keeps the ticket in sync. */
const CORRELATION_DISPLAY = 'ITSM Sync Hub';
/** sys_idIN lists are kept short enough for a URL. */
const FETCH_CHUNK = 100;

/** An encoded query value must not contain the `^` separator (ServiceNow escapes it as `^^`). */
function queryValue(value: string): string {
  if (/[\r\n]/.test(value))
    throw new ConnectorError({
      message: 'query value contains a line break',
      kind: 'permanent',
    });
  return value.replace(/\^/g, '^^');
}

/**
 * The ServiceNow connector: incidents over the Table API, the business-rule
 * webhook in, mappings overridable through the integration's `settings`.
 * @public
 */
export class ServiceNowConnector implements ItsmConnector {
  readonly type = 'servicenow';
  readonly displayName = 'ServiceNow';
  readonly capabilities: ConnectorCapabilities = {
    inboundCreate: false,
  };
  readonly fields = [
    'title',
    'description',
    'severity',
    'status',
    'assigned_to',
    'work_notes',
  ];
  // docs/connectors/servicenow.md#default-field-ownership
  readonly defaultFieldOwnership: FieldOwnershipRule[] = [
    { field: 'severity', owner: 'platform', priority: 10 },
    { field: 'title', owner: 'platform', priority: 10 },
    { field: 'description', owner: 'platform', priority: 10 },
    { field: 'assigned_to', owner: 'external', priority: 5 },
    { field: 'work_notes', owner: 'external', priority: 5 },
  ];
  readonly mappings: ConnectorMappingDescription = {
    fields: FIELD_MAPPING,
    status: [
      { platform: 'open', external: 'New (1), In Progress (2)' },
      {
        platform: 'mitigated',
        external: 'On Hold (3, with hold_reason), Pending (4)',
      },
      {
        platform: 'resolved',
        external: 'Resolved (6, with close_code and close_notes)',
      },
      { platform: 'closed', external: 'Closed (7)' },
    ],
    severity: Object.entries(DEFAULT_SETTINGS.severity_map).map(
      ([severity, { impact, urgency }]) => ({
        platform: severity,
        external: `impact ${impact} / urgency ${urgency}${severity === 'SEV-2' ? ' (or 2 / 1)' : ''}`,
      }),
    ),
  };
  readonly webhookAuth = 'HMAC-SHA256 (X-ServiceNow-Signature, hex or Base64)';
  readonly credentialKeys = [
    ['username', 'password'],
    ['client_id', 'client_secret'],
  ];

  // OAuth access tokens per integration, shared by every call.
  private readonly tokens = new OAuthTokenCache();

  readonly settingsSchema = serviceNowSettings;

  validateSettings(settings: Record<string, unknown>): void {
    resolveSettings(settings);
    validateNoteChannels(settings, JOURNAL_COLUMNS);
    validateAssignmentGroups(settings);
  }

  platformFieldFor(field: string): string | undefined {
    return field === 'work_notes' ? 'notes' : field;
  }

  async testConnection(
    ctx: ConnectorContext,
  ): Promise<{ ok: boolean; message: string }> {
    try {
      const { total } = await this.table(ctx).list(
        'ORDERBYDESCsys_updated_on',
        1,
      );
      const count = Number.isFinite(total)
        ? ` (${total} incidents visible)`
        : '';
      return {
        ok: true,
        message: `Reached the ServiceNow incident table${count}`,
      };
    } catch (error) {
      return { ok: false, message: toError(error).message };
    }
  }

  async createTicket(
    ctx: ConnectorContext,
    { incident, dedupKey, target }: CreateTicketInput,
  ): Promise<ExternalTicket> {
    const columns = {
      ...toServiceNowColumns(incident, settingsOf(ctx), { creating: true }),
      ...assignmentGroupColumns(ctx.integration.settings, incident),
    };
    const record = await this.table(ctx).create({
      ...columns,
      // The entity's assignment group and CI (docs/connectors/servicenow.md#ticket-creation-and-dedup); else the instance's assignment rules decide.
      ...(target?.assignment_group
        ? { assignment_group: target.assignment_group }
        : {}),
      ...(target?.configuration_item
        ? { cmdb_ci: target.configuration_item }
        : {}),
      correlation_id: dedupKey,
      correlation_display: CORRELATION_DISPLAY,
    });
    return ticketOf(ctx, record);
  }

  async findTicketByDedupKey(
    ctx: ConnectorContext,
    dedupKey: string,
  ): Promise<ExternalTicket | undefined> {
    const { records } = await this.table(ctx).list(
      `correlation_id=${queryValue(dedupKey)}^ORDERBYsys_created_on`,
      10,
    );
    // An instance that ignores an unusable condition returns everything: check the key.
    const match = records.find(r => r.correlation_id?.value === dedupKey);
    return match ? ticketOf(ctx, match) : undefined;
  }

  async updateTicket(
    ctx: ConnectorContext,
    { externalId, changes }: UpdateTicketInput,
  ): Promise<ExternalTicket | void> {
    const columns = {
      ...toServiceNowColumns(changes, settingsOf(ctx)),
      ...assignmentGroupColumns(ctx.integration.settings, changes),
    };
    if (!Object.keys(columns).length) return undefined;
    return ticketOf(ctx, await this.table(ctx).update(externalId, columns));
  }

  async addNote(
    ctx: ConnectorContext,
    externalId: string,
    note: IncidentNote,
  ): Promise<void> {
    // Work notes or additional comments by the note's channel; journal entries have no id to answer.
    await this.table(ctx).update(externalId, {
      [journalColumnFor(ctx.integration.settings, note)]:
        formatNoteForVendor(note),
    });
  }

  async fetchTicket(
    ctx: ConnectorContext,
    externalId: string,
  ): Promise<ExternalTicket | undefined> {
    const record = await this.table(ctx).get(externalId);
    return record?.sys_id?.value ? ticketOf(ctx, record) : undefined;
  }

  async fetchTickets(
    ctx: ConnectorContext,
    externalIds: string[],
  ): Promise<ExternalTicket[]> {
    const out: ExternalTicket[] = [];
    const ids = [...new Set(externalIds)].filter(id =>
      /^[0-9a-f]{32}$/i.test(id),
    );
    for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
      const chunk = ids.slice(i, i + FETCH_CHUNK);
      const { records } = await this.table(ctx).list(
        `sys_idIN${chunk.join(',')}`,
        chunk.length,
      );
      out.push(...records.map(r => ticketOf(ctx, r)));
    }
    return out;
  }

  async listChangedSince(
    ctx: ConnectorContext,
    since: Date,
    cursor?: string,
  ): Promise<ChangedTicketsPage> {
    const settings = settingsOf(ctx);
    const start = cursor
      ? decodeCursor(cursor)
      : { from: toGlideDateTime(since), offset: 0 };
    const { records, hasNext } = await this.table(ctx).list(
      `sys_updated_on>=${start.from}^ORDERBYsys_updated_on^ORDERBYsys_id`,
      settings.page_size,
      start.offset,
    );
    const tickets = records.map(r =>
      toExternalTicket(r, settings, ctx.integration.baseUrl),
    );
    if (!hasNext || !records.length) return { tickets };
    const last =
      records[records.length - 1].sys_updated_on?.value ?? start.from;
    const atLast = records.filter(r => r.sys_updated_on?.value === last).length;
    const offset = last === start.from ? start.offset + atLast : atLast;
    return { tickets, nextCursor: encodeCursor({ from: last, offset }) };
  }

  async verifyWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    let options: Parameters<typeof verifyServiceNowWebhook>[2] = {
      requireTimestamp: true,
    };
    try {
      const settings = settingsOf(ctx);
      options = {
        requireTimestamp: settings.require_timestamp,
        scheme: settings.webhook_signature_scheme,
      };
    } catch {
      // Unreadable settings: the strictest form of the default scheme.
    }
    return verifyServiceNowWebhook(
      request,
      ctx.integration.webhookSecrets,
      options,
    );
  }

  async parseWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    return parseServiceNowWebhook(
      request,
      settingsOf(ctx),
      ctx.integration.baseUrl,
      ctx.integration.settings,
    );
  }

  private table(ctx: ConnectorContext): IncidentTableClient {
    return new IncidentTableClient(ctx, this.tokens);
  }
}

function settingsOf(ctx: ConnectorContext): ServiceNowSettings {
  return resolveSettings(ctx.integration.settings);
}

function ticketOf(
  ctx: ConnectorContext,
  record: ServiceNowRecord,
): ExternalTicket {
  return toExternalTicket(record, settingsOf(ctx), ctx.integration.baseUrl);
}
