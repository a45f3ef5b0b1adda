import { toError } from '@backstage/errors';
import { webhookSettings } from '../settings/settingsSchema';
import {
  ConnectorError,
  STANDARD_WEBHOOK_HEADERS,
  VendorHttpClient,
  verifyStandardWebhook,
  type ConnectorCapabilities,
  type ConnectorContext,
  type ConnectorMappingDescription,
  type CreateTicketInput,
  type ExternalTicket,
  type IncidentNote,
  type ItsmConnector,
  type PlatformIncident,
  type UpdateTicketInput,
  type WebhookRequest,
  type WebhookVerification,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
  type FieldOwnershipRule,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { inboundStatus, valueMappings } from '../settings/mappings';
import { absoluteUrl } from '../settings/urlTemplate';
import {
  parseWebhookSettings,
  type RequestTemplate,
  type WebhookSettings,
} from '../settings/webhookSettings';
import {
  renderPayload,
  renderUrl,
  TemplateError,
  type TemplateValue,
} from '../template/payloadTemplate';
import { readResponseText } from '../template/responsePath';
import { incidentValues, noteValues } from '../template/variables';
import { authHeaders } from './authHeaders';
import { parseCallback, verifyCallbackToken } from './callback';

/** The `integration_type` this connector serves. @public */
export const ITSM_WEBHOOK_TYPE = 'itsm-webhook';

// Settings are parsed once per settings object (each call gets the integration's current one).
const parsed = new WeakMap<object, WebhookSettings>();

function settingsOf(ctx: ConnectorContext): WebhookSettings {
  const raw = ctx.integration.settings;
  let settings = parsed.get(raw);
  if (!settings) {
    try {
      settings = parseWebhookSettings(raw);
    } catch (error) {
      throw new ConnectorError({
        message: `ITSM webhook settings: ${toError(error).message}`,
        kind: 'permanent',
      });
    }
    parsed.set(raw, settings);
  }
  return settings;
}

function client(ctx: ConnectorContext, settings: WebhookSettings) {
  return new VendorHttpClient({
    baseUrl: ctx.integration.baseUrl,
    vendor: settings.provider,
    outbound: ctx.outbound,
    headers: () => ({
      ...settings.additionalHeaders,
      // Authentication last, so an additional header cannot replace it by accident.
      ...authHeaders(settings, ctx.integration.credentials),
    }),
  });
}

/** A rendered URL template; a value that would move the path is a permanent failure. */
function vendorUrl(
  template: string,
  values: Record<string, TemplateValue>,
  ctx: ConnectorContext,
): string {
  try {
    return absoluteUrl(renderUrl(template, values), ctx.integration.baseUrl);
  } catch (error) {
    if (error instanceof TemplateError)
      throw new ConnectorError({ message: error.message, kind: 'permanent' });
    throw error;
  }
}

async function send(
  ctx: ConnectorContext,
  settings: WebhookSettings,
  template: RequestTemplate,
  values: Record<string, TemplateValue>,
) {
  return client(ctx, settings).request({
    method: template.method,
    path: vendorUrl(template.url, values, ctx),
    body: renderPayload(template.payload, values),
    headers: { 'content-type': 'application/json' },
    signal: ctx.signal,
  });
}

function ticketOf(
  settings: WebhookSettings,
  ctx: ConnectorContext,
  externalId: string,
  responseBody: unknown,
  fields: ExternalTicket['fields'],
  dedupKey?: string,
): ExternalTicket {
  const key = settings.ticketKeyField
    ? readResponseText(responseBody, settings.ticketKeyField)
    : undefined;
  const browse = settings.ticketBrowseUrl
    ? vendorUrl(settings.ticketBrowseUrl, { ticket_id: externalId }, ctx)
    : undefined;
  return {
    externalId,
    externalKey: key ?? externalId,
    url: browse,
    fields,
    updatedAt: new Date().toISOString(),
    dedupKey,
  };
}

function platformFields(incident: PlatformIncident): ExternalTicket['fields'] {
  const {
    title,
    description,
    severity,
    status,
    assigned_to,
    escalation_policy,
  } = incident;
  return {
    title,
    description,
    severity,
    status,
    assigned_to,
    escalation_policy,
  };
}

/**
 * The generic templated ITSM connector (docs/connectors/webhook.md): any ITSM reachable over HTTP, with
 * create/update/notes requests described by URL and JSON payload templates in the
 * integration's settings, and status changes posted back with a hub-issued callback token.
 * @public
 */
export class WebhookConnector implements ItsmConnector {
  readonly type = ITSM_WEBHOOK_TYPE;
  readonly displayName = 'ITSM Webhook (templated)';
  readonly capabilities: ConnectorCapabilities = {
    inboundCreate: false,
    callbackTokens: true,
    onePerOrganization: true,
  };
  readonly fields = [
    'title',
    'description',
    'severity',
    'status',
    'assigned_to',
    'notes',
  ];
  readonly defaultFieldOwnership: FieldOwnershipRule[] = [
    { field: 'title', owner: 'platform', priority: 10 },
    { field: 'description', owner: 'platform', priority: 10 },
    { field: 'severity', owner: 'platform', priority: 10 },
    { field: 'assigned_to', owner: 'external', priority: 5 },
  ];
  readonly mappings: ConnectorMappingDescription = {
    fields: [
      { platform: 'title', external: '$case_name' },
      { platform: 'description', external: '$description' },
      {
        platform: 'severity',
        external: '$severity / $priority (severity_mapping)',
      },
      {
        platform: 'status',
        external: '$status / $itsm_status (status_mapping)',
      },
      { platform: 'assigned_to', external: '$assigned_to' },
    ],
    status: INCIDENT_STATUSES.map(s => ({
      platform: s,
      external: 'per status_mapping',
    })),
    severity: SEVERITIES.map(s => ({
      platform: s,
      external: 'per severity_mapping',
    })),
  };
  readonly webhookAuth =
    'Callback token (Authorization: Bearer or X-Callback-Token), or Standard Webhooks signatures (webhook_signature_scheme)';
  readonly credentialKeys = [
    ['username', 'password'],
    ['credentials'],
    ['token'],
    ['api_key'],
  ];
  // Extra headers often carry tenant keys: sealed with the credentials, shown by name only.
  readonly sealedSettings = ['additional_headers'];

  readonly settingsSchema = webhookSettings;

  validateSettings(settings: Record<string, unknown>): void {
    parseWebhookSettings(settings);
  }

  async testConnection(
    ctx: ConnectorContext,
  ): Promise<{ ok: boolean; message: string }> {
    try {
      const settings = settingsOf(ctx);
      authHeaders(settings, ctx.integration.credentials);
      if (!settings.testUrl) {
        return {
          ok: true,
          message: `Configuration for ${settings.provider} is valid; set test_url to also check that it is reachable`,
        };
      }
      await client(ctx, settings).request({
        path: absoluteUrl(settings.testUrl, ctx.integration.baseUrl),
        signal: ctx.signal,
      });
      return { ok: true, message: `Reached ${settings.provider}` };
    } catch (error) {
      return { ok: false, message: toError(error).message };
    }
  }

  async createTicket(
    ctx: ConnectorContext,
    { incident, dedupKey }: CreateTicketInput,
  ): Promise<ExternalTicket> {
    const settings = settingsOf(ctx);
    const values = {
      ...incidentValues(incident, valueMappings(settings)),
      dedup_key: dedupKey,
    };
    const response = await send(ctx, settings, settings.create, values);
    const id = readResponseText(response.body, settings.ticketIdField);
    if (!id) {
      throw new ConnectorError({
        message: `${settings.provider} created a ticket but its response has no ticket id at '${settings.ticketIdField}'`,
        kind: 'permanent',
        status: response.status,
        body: JSON.stringify(response.body ?? null).slice(0, 2000),
      });
    }
    return ticketOf(
      settings,
      ctx,
      id,
      response.body,
      platformFields(incident),
      dedupKey,
    );
  }

  async findTicketByDedupKey(
    ctx: ConnectorContext,
    dedupKey: string,
  ): Promise<ExternalTicket | undefined> {
    const settings = settingsOf(ctx);
    // Without a lookup endpoint the ITSM cannot be asked; the stored link is the only record.
    if (!settings.lookup) return undefined;
    const path = vendorUrl(settings.lookup.url, { dedup_key: dedupKey }, ctx);
    try {
      const response = await client(ctx, settings).request({
        path,
        signal: ctx.signal,
      });
      const id = readResponseText(response.body, settings.lookup.ticketIdField);
      return id
        ? ticketOf(settings, ctx, id, response.body, {}, dedupKey)
        : undefined;
    } catch (error) {
      if (error instanceof ConnectorError && error.status === 404)
        return undefined;
      throw error;
    }
  }

  async updateTicket(
    ctx: ConnectorContext,
    { externalId, incident }: UpdateTicketInput,
  ): Promise<void> {
    const settings = settingsOf(ctx);
    // The update template describes the whole ticket, so it is rendered from the current incident.
    const values = {
      ...incidentValues(incident, valueMappings(settings)),
      ticket_id: externalId,
    };
    await send(ctx, settings, settings.update, values);
  }

  async addNote(
    ctx: ConnectorContext,
    externalId: string,
    note: IncidentNote,
  ): Promise<void> {
    const settings = settingsOf(ctx);
    if (!settings.notes) {
      ctx.logger.debug('Note not sent: the integration has no notes_url', {
        integration: ctx.integration.id,
      });
      return;
    }
    await send(ctx, settings, settings.notes, {
      ...noteValues(note),
      ticket_id: externalId,
    });
  }

  async fetchTicket(
    ctx: ConnectorContext,
    externalId: string,
  ): Promise<ExternalTicket | undefined> {
    const settings = settingsOf(ctx);
    if (!settings.fetch) {
      // Nothing can be read back: report the ticket with no fields, so drift finds nothing to compare.
      return { externalId, fields: {}, updatedAt: new Date().toISOString() };
    }
    const path = vendorUrl(settings.fetch.url, { ticket_id: externalId }, ctx);
    try {
      const response = await client(ctx, settings).request({
        path,
        signal: ctx.signal,
      });
      const itsmStatus = settings.fetch.statusField
        ? readResponseText(response.body, settings.fetch.statusField)
        : undefined;
      const status = itsmStatus
        ? inboundStatus(settings, itsmStatus)
        : undefined;
      return ticketOf(
        settings,
        ctx,
        externalId,
        response.body,
        status ? { status } : {},
      );
    } catch (error) {
      if (
        error instanceof ConnectorError &&
        (error.status === 404 || error.status === 410)
      )
        return undefined;
      throw error;
    }
  }

  async verifyWebhook(
    ctx: ConnectorContext,
    request: WebhookRequest,
  ): Promise<WebhookVerification> {
    let settings: WebhookSettings;
    try {
      settings = settingsOf(ctx);
    } catch {
      return { ok: false, reason: 'the integration settings cannot be read' };
    }
    if (settings.signatureScheme === 'standard-webhooks') {
      const verified = verifyStandardWebhook(
        request,
        ctx.integration.webhookSecrets,
      );
      return verified.ok ? { ok: true } : verified;
    }
    return verifyCallbackToken(
      ctx.integration.callbackTokenHashes,
      request.headers,
    );
  }

  async parseWebhook(ctx: ConnectorContext, request: WebhookRequest) {
    const settings = settingsOf(ctx);
    // Under Standard Webhooks the signed webhook-id is the delivery's id; no unsigned header ever is.
    const signedId =
      settings.signatureScheme === 'standard-webhooks'
        ? request.headers[STANDARD_WEBHOOK_HEADERS.id]?.trim()
        : undefined;
    return parseCallback(settings, request.rawBody, new Date(), signedId);
  }
}
