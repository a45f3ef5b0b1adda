import { z } from 'zod';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  webhookSignatureSchemeSetting,
  type ConnectorSettingsDeclaration,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { VARIABLES_BY_TEMPLATE } from '../template/variables';

/** An enum that also takes any capitalisation, as the settings reader does (`Basic`, `post`). */
function anyCase<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    v =>
      typeof v === 'string'
        ? (values.find(a => a.toLowerCase() === v.trim().toLowerCase()) ?? v)
        : v,
    z.enum(values),
  );
}

const METHODS = ['POST', 'PUT', 'PATCH'] as const;
/** A JSON body template: an object, or JSON text. */
const payload = z.union([z.string(), z.record(z.string(), z.unknown())]);
/** A map of names to text: an object, or JSON text. */
const stringMap = z.union([
  z.string(),
  z.record(z.string(), z.union([z.string(), z.number()])),
]);
const text = z.string().min(1);

/** The placeholders a template may use, for forms to list beside it. */
function placeholders(set: ReadonlySet<string>): string[] {
  return [...set].map(name => `$${name}`);
}

/** The templated webhook's settings (docs/connectors/webhook.md#configuration-fields); `parseWebhookSettings` reads them. */
export const webhookSettings: ConnectorSettingsDeclaration = {
  schema: z.strictObject({
    provider: text.meta({
      title: 'ITSM provider',
      description: 'The ITSM this integration talks to, e.g. Jira',
    }),
    create_method: anyCase(METHODS).optional().meta({
      title: 'Create method',
      description: 'HTTP method of the create request',
      default: 'POST',
    }),
    create_url: text.meta({
      title: 'Create URL',
      description:
        "The ITSM's ticket-creation endpoint: an absolute URL, or a path joined to the base URL",
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.create),
    }),
    auth_type: anyCase(['basic', 'bearer', 'api_key']).meta({
      title: 'Auth type',
      description:
        'basic (username and password), bearer (token) or api_key (a key in auth_header)',
    }),
    auth_header: text.optional().meta({
      title: 'Auth header',
      description:
        'The header that carries the credential (Authorization, or X-API-Key for api_key)',
    }),
    additional_headers: stringMap.optional().meta({
      title: 'Additional headers',
      description:
        'Extra HTTP headers, e.g. {"X-Tenant": "acme"}; sealed with the credentials, shown by name only',
      writeOnly: true,
    }),
    body_format: anyCase(['json']).optional().meta({
      title: 'Request body format',
      description: 'The payload encoding the ITSM expects',
      default: 'json',
    }),
    create_payload: payload.meta({
      title: 'Create payload',
      description:
        'The JSON body sent when a ticket is created; reference case fields with placeholders',
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.create),
    }),
    ticket_id_field: text.meta({
      title: 'Ticket ID field',
      description:
        "The field of the ITSM's create response that holds the ticket id, e.g. key or result.sys_id",
    }),
    ticket_key_field: text.optional().meta({
      title: 'Ticket key field',
      description:
        'The field of the create response holding a human-readable key',
    }),
    ticket_browse_url: text.optional().meta({
      title: 'Ticket browse URL',
      description: "URL of the ticket's page",
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.ticketUrl),
    }),
    update_url: text.meta({
      title: 'Update URL',
      description:
        "The ITSM's endpoint for updating a ticket; use $ticket_id for the ticket",
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.update),
    }),
    update_method: anyCase(METHODS).optional().meta({
      title: 'Update method',
      description: 'HTTP method of the update request',
      default: 'PUT',
    }),
    update_payload: payload.meta({
      title: 'Update payload',
      description: 'The JSON body of the update request',
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.update),
    }),
    status_mapping: stringMap.optional().meta({
      title: 'Status mapping',
      description: `ITSM status to case status (${INCIDENT_STATUSES.join(', ')}), e.g. {"OPEN": "open", "Resolved": "closed"}`,
      default: {},
    }),
    severity_mapping: stringMap.optional().meta({
      title: 'Severity mapping',
      description: `Severity (${SEVERITIES.join(', ')}) to ITSM priority, e.g. {"SEV-1": "Highest"}`,
      default: {},
    }),
    notes_url: text.optional().meta({
      title: 'Notes URL',
      description: 'Endpoint that posts a case note as a ticket comment',
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.notes),
    }),
    notes_method: anyCase(METHODS).optional().meta({
      title: 'Notes method',
      description: 'HTTP method of the notes request',
      default: 'POST',
    }),
    notes_payload: payload.optional().meta({
      title: 'Notes payload',
      description: 'The JSON body of a note; must use $note_text',
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.notes),
    }),
    lookup_url: text.optional().meta({
      title: 'Lookup URL',
      description:
        'A GET by dedup key that finds a ticket created by a crashed attempt (with lookup_ticket_id_field)',
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.lookupUrl),
    }),
    lookup_ticket_id_field: text.optional().meta({
      title: 'Lookup ticket ID field',
      description: 'Path of the ticket id in the lookup response',
    }),
    fetch_url: text.optional().meta({
      title: 'Fetch URL',
      description: 'A GET of one ticket, for reconcile',
      'x-placeholders': placeholders(VARIABLES_BY_TEMPLATE.ticketUrl),
    }),
    fetch_status_field: text.optional().meta({
      title: 'Fetch status field',
      description: 'Path of the ITSM status in the fetch response',
    }),
    test_url: text.optional().meta({
      title: 'Test URL',
      description:
        'A GET made by the connection test; without it the test only checks the configuration',
    }),
    callback_ticket_id_field: text.optional().meta({
      title: 'Callback ticket ID field',
      default: 'ticket_id',
    }),
    callback_status_field: text.optional().meta({
      title: 'Callback status field',
      default: 'status',
    }),
    callback_note_field: text.optional().meta({
      title: 'Callback note field',
      default: 'note',
    }),
    callback_event_id_field: text.optional().meta({
      title: 'Callback event ID field',
      default: 'event_id',
    }),
    callback_assigned_to_field: text.optional().meta({
      title: 'Callback assignee field',
      default: 'assigned_to',
    }),
    callback_updated_at_field: text.optional().meta({
      title: 'Callback updated-at field',
      default: 'updated_at',
    }),
    manual_sync_cooldown_seconds: z
      .union([z.number().int().min(0).max(86400), z.string().regex(/^\d+$/)])
      .optional()
      .meta({
        title: 'Manual sync cooldown (seconds)',
        description:
          'How long "Sync with ITSM" stays locked after a manual sync',
        default: 600,
      }),
    webhook_signature_scheme: webhookSignatureSchemeSetting,
  }),
};
