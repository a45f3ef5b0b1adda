import { createHash } from 'node:crypto';
import {
  matchingCallbackTokenHash,
  WebhookParseError,
  type NormalizedChange,
  type PlatformIncidentFields,
  type WebhookRequest,
  type WebhookVerification,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { inboundStatus } from '../settings/mappings';
import type { WebhookSettings } from '../settings/webhookSettings';
import { readResponsePath, readResponseText } from '../template/responsePath';

/** The callback token an ITSM presented: `Authorization: Bearer <token>` or `X-Callback-Token`. */
function presentedToken(
  headers: WebhookRequest['headers'],
): string | undefined {
  const explicit = headers['x-callback-token']?.trim();
  if (explicit) return explicit;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** Checks the presented token against the integration's live token hashes, in constant time. */
export function verifyCallbackToken(
  hashes: string[] | undefined,
  headers: WebhookRequest['headers'],
): WebhookVerification {
  const token = presentedToken(headers);
  if (!token)
    return {
      ok: false,
      reason: 'no callback token (Authorization: Bearer or X-Callback-Token)',
    };
  if (!hashes?.length)
    return {
      ok: false,
      reason: 'this integration has no live callback tokens',
    };
  const callbackTokenHash = matchingCallbackTokenHash(hashes, token);
  return callbackTokenHash
    ? { ok: true, callbackTokenHash }
    : { ok: false, reason: 'callback token not recognised' };
}

function text(body: unknown, path: string): string | undefined {
  return readResponseText(body, path);
}

/**
 * Turns a verified callback (`{ticket_id, status, note?, event_id?, assigned_to?, updated_at?}`,
 * field names configurable) into normalised changes (the event id is the signed
 * `signedId` when there is one), mapping the ITSM status through the
 * integration's status mapping.
 */
export function parseCallback(
  settings: WebhookSettings,
  rawBody: Buffer,
  now: Date,
  signedId?: string,
): NormalizedChange[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('callback body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new WebhookParseError('callback body must be a JSON object');
  }
  const fields = settings.callback;
  const ticketId = text(body, fields.ticketId);
  if (!ticketId)
    throw new WebhookParseError(
      `callback has no ticket id at '${fields.ticketId}'`,
    );

  const changed: Partial<PlatformIncidentFields> = {};
  const itsmStatus = text(body, fields.status);
  if (itsmStatus !== undefined) {
    const status = inboundStatus(settings, itsmStatus);
    if (!status) {
      const known = [...settings.statusMapping.values()].map(m => m.itsm);
      throw new WebhookParseError(
        `ITSM status '${itsmStatus.slice(0, 100)}' is not in the status mapping; mapped: ${known.join(', ') || 'none'}`,
      );
    }
    changed.status = status;
  }
  const assignee = readResponsePath(body, fields.assignedTo);
  if (assignee === null) changed.assigned_to = null;
  else if (typeof assignee === 'string')
    changed.assigned_to = assignee.trim() || null;
  const noteText = text(body, fields.note);

  if (!Object.keys(changed).length && !noteText) {
    throw new WebhookParseError(
      `callback for ticket '${ticketId}' carries no status, assignee or note`,
    );
  }
  // Without the ITSM's own event id, identical bodies are one delivery (a retried callback).
  const eventId =
    signedId ??
    text(body, fields.eventId) ??
    `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  const updatedAt = text(body, fields.updatedAt);
  const occurredAt =
    updatedAt && !Number.isNaN(Date.parse(updatedAt))
      ? new Date(updatedAt).toISOString()
      : now.toISOString();

  const changes: NormalizedChange[] = [];
  if (Object.keys(changed).length) {
    changes.push({
      eventId,
      externalId: ticketId,
      kind: 'updated',
      fields: changed,
      occurredAt,
    });
  }
  if (noteText) {
    changes.push({
      eventId: changes.length ? `${eventId}:note` : eventId,
      externalId: ticketId,
      kind: 'note',
      fields: {},
      note: { text: noteText, author: settings.provider },
      occurredAt,
    });
  }
  return changes;
}
