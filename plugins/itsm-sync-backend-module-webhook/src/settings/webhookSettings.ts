import {
  INCIDENT_STATUSES,
  SEVERITIES,
  type IncidentStatus,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  webhookSignatureScheme,
  type WebhookSignatureScheme,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  compilePayloadTemplate,
  TemplateError,
  type PayloadTemplate,
} from '../template/payloadTemplate';
import { parseResponsePath } from '../template/responsePath';
import { VARIABLES_BY_TEMPLATE } from '../template/variables';
import {
  checkHeaderName,
  checkHeaderValue,
  oneOf,
  optionalInteger,
  optionalString,
  requiredString,
  SettingsError,
  stringMap,
  type Settings,
} from './fields';
import { checkUrlTemplate } from './urlTemplate';

const AUTH_TYPES = ['basic', 'bearer', 'api_key'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];
const WRITE_METHODS = ['POST', 'PUT', 'PATCH'] as const;
type WriteMethod = (typeof WRITE_METHODS)[number];

/** One templated request: method, URL template and payload template. */
export interface RequestTemplate {
  method: WriteMethod;
  url: string;
  payload: PayloadTemplate;
}

/** Where the callback body carries each value. */
export interface CallbackFields {
  ticketId: string;
  status: string;
  note: string;
  eventId: string;
  assignedTo: string;
  updatedAt: string;
}

/** The validated configuration of one `itsm-webhook` integration (docs/connectors/webhook.md#configuration-fields). */
export interface WebhookSettings {
  provider: string;
  authType: AuthType;
  /** For `api_key`: the header that carries the key. */
  authHeader: string;
  additionalHeaders: Record<string, string>;
  bodyFormat: 'json';
  create: RequestTemplate;
  ticketIdField: string;
  ticketKeyField?: string;
  ticketBrowseUrl?: string;
  update: RequestTemplate;
  notes?: RequestTemplate;
  /** ITSM status (lower-cased) -> case status; many to one. */
  statusMapping: Map<string, { itsm: string; status: IncidentStatus }>;
  /** Case severity -> ITSM priority. */
  severityMapping: Record<string, string>;
  lookup?: { url: string; ticketIdField: string };
  fetch?: { url: string; statusField?: string };
  testUrl?: string;
  callback: CallbackFields;
  /**
   * How callbacks are authenticated: `legacy` (a hub-issued callback token, the default) or
   * `standard-webhooks` (signed with a webhook secret over `id.timestamp.body`).
   */
  signatureScheme: WebhookSignatureScheme;
  manualSyncCooldownSeconds?: number;
}

/** Every setting this connector reads; anything else is a typo worth reporting. */
const KNOWN_SETTINGS = [
  'provider',
  'create_method',
  'create_url',
  'auth_type',
  'auth_header',
  'additional_headers',
  'body_format',
  'create_payload',
  'ticket_id_field',
  'ticket_key_field',
  'ticket_browse_url',
  'update_url',
  'update_method',
  'update_payload',
  'status_mapping',
  'severity_mapping',
  'notes_url',
  'notes_method',
  'notes_payload',
  'lookup_url',
  'lookup_ticket_id_field',
  'fetch_url',
  'fetch_status_field',
  'test_url',
  'callback_ticket_id_field',
  'callback_status_field',
  'callback_note_field',
  'callback_event_id_field',
  'callback_assigned_to_field',
  'callback_updated_at_field',
  'manual_sync_cooldown_seconds',
  'webhook_signature_scheme',
  // Read by the core (docs/sync-semantics.md#notifications), not by this connector.
  'notifications',
] as const;

function payload(
  settings: Settings,
  key: string,
  allowed: ReadonlySet<string>,
): PayloadTemplate {
  if (
    settings[key] === undefined ||
    settings[key] === null ||
    settings[key] === ''
  ) {
    throw new SettingsError(
      `${key} is required: the JSON body sent to the ITSM`,
    );
  }
  try {
    return compilePayloadTemplate(settings[key], key, allowed);
  } catch (error) {
    if (error instanceof TemplateError) throw new SettingsError(error.message);
    throw error;
  }
}

function path(
  settings: Settings,
  key: string,
  fallback?: string,
): string | undefined {
  const value = optionalString(settings, key, 500) ?? fallback;
  if (value === undefined) return undefined;
  try {
    parseResponsePath(value);
  } catch (error) {
    throw new SettingsError(`${key} ${(error as Error).message}`);
  }
  return value;
}

function url(
  settings: Settings,
  key: string,
  allowed: ReadonlySet<string>,
  required: boolean,
): string | undefined {
  const value = required
    ? requiredString(settings, key, 'the ITSM endpoint URL', 2000)
    : optionalString(settings, key, 2000);
  if (value !== undefined) checkUrlTemplate(key, value, allowed);
  return value;
}

function statusMapping(settings: Settings): WebhookSettings['statusMapping'] {
  const raw = stringMap(settings, 'status_mapping');
  const mapping: WebhookSettings['statusMapping'] = new Map();
  for (const [itsm, caseStatus] of Object.entries(raw)) {
    const status = INCIDENT_STATUSES.find(
      s => s === caseStatus.trim().toLowerCase(),
    );
    if (!status) {
      throw new SettingsError(
        `status_mapping.${itsm}: '${caseStatus}' is not a case status; use one of ${INCIDENT_STATUSES.join(', ')}`,
      );
    }
    const normalized = itsm.trim().toLowerCase();
    if (!normalized)
      throw new SettingsError('status_mapping has an empty ITSM status');
    if (mapping.has(normalized))
      throw new SettingsError(`status_mapping names '${itsm}' twice`);
    mapping.set(normalized, { itsm: itsm.trim(), status });
  }
  return mapping;
}

function severityMapping(settings: Settings): Record<string, string> {
  const raw = stringMap(settings, 'severity_mapping');
  for (const severity of Object.keys(raw)) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) {
      throw new SettingsError(
        `severity_mapping.${severity} is not a severity; use ${SEVERITIES.join(', ')}`,
      );
    }
  }
  return raw;
}

function headers(settings: Settings): Record<string, string> {
  const map = stringMap(settings, 'additional_headers');
  for (const [name, value] of Object.entries(map)) {
    checkHeaderName('additional_headers', name);
    checkHeaderValue('additional_headers', name, value);
  }
  return map;
}

function signatureScheme(settings: Settings): WebhookSignatureScheme {
  try {
    return webhookSignatureScheme(settings);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
}

function notes(settings: Settings): RequestTemplate | undefined {
  const hasUrl = Boolean(optionalString(settings, 'notes_url'));
  const hasPayload =
    settings.notes_payload !== undefined &&
    settings.notes_payload !== null &&
    settings.notes_payload !== '';
  if (!hasUrl && !hasPayload) return undefined;
  if (!hasUrl)
    throw new SettingsError('notes_url is required when notes_payload is set');
  const template = payload(
    settings,
    'notes_payload',
    VARIABLES_BY_TEMPLATE.notes,
  );
  if (!template.variables.includes('note_text')) {
    throw new SettingsError(
      'notes_payload must use $note_text, or the note would not reach the ITSM',
    );
  }
  return {
    method: oneOf(settings, 'notes_method', WRITE_METHODS, 'POST'),
    url: url(settings, 'notes_url', VARIABLES_BY_TEMPLATE.notes, true)!,
    payload: template,
  };
}

/**
 * Reads and validates an integration's settings. Throws `SettingsError` naming the
 * first bad setting; the core answers 400 with that message when the integration is saved.
 * @public
 */
export function parseWebhookSettings(settings: Settings): WebhookSettings {
  const unknown = Object.keys(settings).filter(
    k => !(KNOWN_SETTINGS as readonly string[]).includes(k),
  );
  if (unknown.length) {
    throw new SettingsError(
      `unknown setting ${unknown.join(', ')}; known settings: ${KNOWN_SETTINGS.join(', ')}`,
    );
  }
  const authType = oneOf(settings, 'auth_type', AUTH_TYPES);
  const authHeader =
    optionalString(settings, 'auth_header', 200) ??
    (authType === 'api_key' ? 'X-API-Key' : 'Authorization');
  checkHeaderName('auth_header', authHeader);

  const update: RequestTemplate = {
    method: oneOf(settings, 'update_method', WRITE_METHODS, 'PUT'),
    url: url(settings, 'update_url', VARIABLES_BY_TEMPLATE.update, true)!,
    payload: payload(settings, 'update_payload', VARIABLES_BY_TEMPLATE.update),
  };
  if (
    !update.url.includes('ticket_id') &&
    !update.payload.variables.includes('ticket_id')
  ) {
    throw new SettingsError(
      'update_url must use $ticket_id (or update_payload must), so the ITSM knows which ticket to update',
    );
  }
  const lookupUrl = url(
    settings,
    'lookup_url',
    VARIABLES_BY_TEMPLATE.lookupUrl,
    false,
  );
  const lookupField = path(settings, 'lookup_ticket_id_field');
  if (Boolean(lookupUrl) !== Boolean(lookupField)) {
    throw new SettingsError(
      'lookup_url and lookup_ticket_id_field go together: set both or neither',
    );
  }
  const fetchUrl = url(
    settings,
    'fetch_url',
    VARIABLES_BY_TEMPLATE.ticketUrl,
    false,
  );
  const browse = url(
    settings,
    'ticket_browse_url',
    VARIABLES_BY_TEMPLATE.ticketUrl,
    false,
  );

  const ticketIdField = path(settings, 'ticket_id_field');
  if (!ticketIdField) {
    throw new SettingsError(
      "ticket_id_field is required: the field of the ITSM's create response that holds the ticket id (e.g. key, result.sys_id, data[0].id)",
    );
  }
  const bodyFormat = oneOf(settings, 'body_format', ['json'] as const, 'json');

  return {
    provider: requiredString(
      settings,
      'provider',
      'the ITSM this integration talks to, e.g. Jira',
      200,
    ),
    authType,
    authHeader,
    additionalHeaders: headers(settings),
    bodyFormat,
    create: {
      method: oneOf(settings, 'create_method', WRITE_METHODS, 'POST'),
      url: url(settings, 'create_url', VARIABLES_BY_TEMPLATE.create, true)!,
      payload: payload(
        settings,
        'create_payload',
        VARIABLES_BY_TEMPLATE.create,
      ),
    },
    ticketIdField,
    ticketKeyField: path(settings, 'ticket_key_field'),
    ticketBrowseUrl: browse,
    update,
    notes: notes(settings),
    statusMapping: statusMapping(settings),
    severityMapping: severityMapping(settings),
    lookup:
      lookupUrl && lookupField
        ? { url: lookupUrl, ticketIdField: lookupField }
        : undefined,
    fetch: fetchUrl
      ? { url: fetchUrl, statusField: path(settings, 'fetch_status_field') }
      : undefined,
    testUrl: url(settings, 'test_url', new Set(), false),
    callback: {
      ticketId: path(settings, 'callback_ticket_id_field', 'ticket_id')!,
      status: path(settings, 'callback_status_field', 'status')!,
      note: path(settings, 'callback_note_field', 'note')!,
      eventId: path(settings, 'callback_event_id_field', 'event_id')!,
      assignedTo: path(settings, 'callback_assigned_to_field', 'assigned_to')!,
      updatedAt: path(settings, 'callback_updated_at_field', 'updated_at')!,
    },
    signatureScheme: signatureScheme(settings),
    manualSyncCooldownSeconds: optionalInteger(
      settings,
      'manual_sync_cooldown_seconds',
      0,
      86400,
    ),
  };
}
