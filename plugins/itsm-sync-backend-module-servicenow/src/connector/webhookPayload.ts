import { createHash } from 'node:crypto';
import {
  STANDARD_WEBHOOK_HEADERS,
  WebhookParseError,
  type ExternalTicket,
  type NormalizedChange,
  type PlatformIncidentFields,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { COLUMN_TO_FIELD, fromServiceNowColumns } from '../mappings/fields';
import { fromGlideDateTime } from '../mappings/glideDateTime';
import type { ServiceNowSettings } from '../mappings/settings';
import { JOURNAL_COLUMNS, visibilityOfColumn } from './noteChannels';
import { escalationPolicyOfGroup } from './assignmentGroups';

function stringField(
  payload: Record<string, unknown>,
  key: string,
): string | undefined {
  const value = payload[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The idempotency key of a delivery, only ever from signed content: under the Standard
 * Webhooks scheme the signed `webhook-id`; else the payload's event_id; else a hash of
 * sys_id, updated_on and the body (so two edits in the same second stay distinct while a
 * resend of the same bytes is recognised). Unsigned headers (`X-Request-Id`, a delivery id
 * header) are never used: a replay could change them at will and pass as new.
 */
function eventIdOf(
  request: WebhookRequest,
  settings: ServiceNowSettings,
  payload: Record<string, unknown>,
  sysId: string,
  updatedOn: string,
): string {
  if (settings.webhook_signature_scheme === 'standard-webhooks') {
    const signedId = request.headers[STANDARD_WEBHOOK_HEADERS.id]?.trim();
    if (signedId) return signedId;
  }
  const fromPayload = stringField(payload, 'event_id');
  if (fromPayload) return fromPayload;
  return createHash('sha256')
    .update(`${sysId}|${updatedOn}|`)
    .update(request.rawBody)
    .digest('hex');
}

/**
 * Parses the business-rule payload (docs/connectors/servicenow.md#payload: sys_id, number, short_description,
 * state, priority, impact, assigned_to display value, updated_on) and its extensions
 * (event_id, operation, description, urgency, work_notes, changed_fields, updated_by).
 * With `changed_fields`, only the fields the write changed are reported, so an edit of
 * the assignee does not restate the title.
 */
export function parseServiceNowWebhook(
  request: WebhookRequest,
  settings: ServiceNowSettings,
  baseUrl: string,
  rawSettings: Record<string, unknown> = {},
): NormalizedChange[] {
  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('body is not JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new WebhookParseError('body must be a JSON object');
  }
  const p = payload as Record<string, unknown>;
  const sysId = stringField(p, 'sys_id');
  if (!sysId || !/^[0-9a-f]{32}$/i.test(sysId))
    throw new WebhookParseError('sys_id must be a 32 character hex string');
  const updatedOn =
    stringField(p, 'updated_on') ?? stringField(p, 'sys_updated_on') ?? '';
  const occurredAt = fromGlideDateTime(updatedOn);
  if (!occurredAt)
    throw new WebhookParseError(
      'updated_on must be a UTC "YYYY-MM-DD HH:MM:SS" time',
    );

  const all = fromServiceNowColumns(
    {
      short_description: stringField(p, 'short_description'),
      description: stringField(p, 'description'),
      impact: stringField(p, 'impact'),
      urgency: stringField(p, 'urgency'),
      priority: stringField(p, 'priority'),
      state: stringField(p, 'state'),
      assignee: stringField(p, 'assigned_to'),
    },
    settings,
  );
  const changedColumns = Array.isArray(p.changed_fields)
    ? p.changed_fields.filter(c => typeof c === 'string')
    : undefined;
  const fields: Partial<PlatformIncidentFields> = {};
  const wanted = changedColumns
    ? new Set(
        changedColumns.map(c => COLUMN_TO_FIELD[c as string]).filter(Boolean),
      )
    : new Set(Object.keys(all));
  for (const [field, value] of Object.entries(all)) {
    if (wanted.has(field as keyof PlatformIncidentFields))
      (fields as Record<string, unknown>)[field] = value;
  }

  // A group move is the escalation policy assignment_groups maps the group to, if any.
  // The mapping may name the group by sys_id (the column's value) or by its name.
  const groups = [
    stringField(p, 'assignment_group'),
    stringField(p, 'assignment_group_name'),
  ].filter((g): g is string => Boolean(g));
  const groupChanged = changedColumns
    ? changedColumns.includes('assignment_group')
    : false;
  const policy = groupChanged
    ? groups.map(g => escalationPolicyOfGroup(rawSettings, g)).find(Boolean)
    : undefined;
  if (policy) fields.escalation_policy = policy;
  const actor = stringField(p, 'updated_by') || undefined;
  // Work notes and additional comments, each in its channel (docs/connectors/servicenow.md#notes).
  const [workNote, comment] = JOURNAL_COLUMNS.map(column => {
    const text = stringField(p, column)?.trim();
    return text
      ? {
          text,
          author: actor,
          visibility: visibilityOfColumn(rawSettings, column),
        }
      : undefined;
  });
  const number = stringField(p, 'number') || undefined;
  const created = stringField(p, 'operation') === 'insert';
  const ticket: ExternalTicket = {
    externalId: sysId,
    externalKey: number,
    url: `${baseUrl.replace(/\/$/, '')}/nav_to.do?uri=incident.do?sys_id=${sysId}`,
    fields: all,
    updatedAt: occurredAt,
    dedupKey: stringField(p, 'correlation_id') || undefined,
  };
  const first = workNote ?? comment;
  let kind: NormalizedChange['kind'] = created ? 'created' : 'updated';
  if (!created && first && Object.keys(fields).length === 0) kind = 'note';
  const eventId = eventIdOf(request, settings, p, sysId, updatedOn);

  const changes: NormalizedChange[] = [
    {
      eventId,
      externalId: sysId,
      externalKey: number,
      kind,
      fields: created ? all : fields,
      note: first,
      occurredAt,
      actor,
      ticket,
    },
  ];
  // One write that adds both a work note and a comment: the comment is a note of its own.
  if (workNote && comment)
    changes.push({
      eventId: `${eventId}:comments`,
      externalId: sysId,
      externalKey: number,
      kind: 'note',
      fields: {},
      note: comment,
      occurredAt,
      actor,
    });
  return changes;
}
