import { createHmac } from 'node:crypto';
import { newSysId, type IncidentStore } from './IncidentStore';
import type { IncidentRecord } from './records';

/** How the business rule signs what it sends. */
export interface SigningOptions {
  secret: string;
  /** ServiceNow's GlideDigest/CertificateEncryption helpers emit Base64; hex on request. */
  encoding?: 'base64' | 'hex';
  /** Adds `X-ServiceNow-Timestamp` (epoch seconds). */
  timestamp?: boolean;
  /**
   * `legacy` (the default): `X-ServiceNow-Signature` over the body. `standard-webhooks`:
   * `webhook-id` (the payload's event_id, the same on a retry), `webhook-timestamp` (Unix
   * seconds) and `webhook-signature: v1,<Base64 HMAC-SHA256 of id.timestamp.body>`, as the
   * hub's ServiceNow signer script sends them.
   */
  scheme?: 'legacy' | 'standard-webhooks';
}

/**
 * The payload of the after-insert/update business rule (docs/connectors/servicenow.md#payload: sys_id, number,
 * short_description, state, priority, impact, assigned_to display value, updated_on),
 * extended with what a two-way sync needs: an event id, urgency, description, the
 * latest work note, the columns this write changed and who made it.
 */
export function businessRulePayload(
  store: IncidentStore,
  record: IncidentRecord,
  operation: 'insert' | 'update',
  changed: string[],
) {
  const latest = (element: 'work_notes' | 'comments') =>
    changed.includes(element)
      ? (store.journalOf(record.sys_id, element).at(-1)?.value ?? '')
      : '';
  return {
    event_id: newSysId(),
    operation,
    sys_id: record.sys_id,
    number: record.number,
    short_description: record.short_description,
    description: record.description,
    state: record.state,
    priority: record.priority,
    impact: record.impact,
    urgency: record.urgency,
    assigned_to: record.assigned_to ? store.userName(record.assigned_to) : '',
    assignment_group: record.assignment_group,
    correlation_id: record.correlation_id,
    close_code: record.close_code,
    close_notes: record.close_notes,
    work_notes: latest('work_notes'),
    comments: latest('comments'),
    changed_fields: changed,
    updated_on: record.sys_updated_on,
    updated_by: record.sys_updated_by,
  };
}

/** The exact bytes and headers the RESTMessageV2 call carries. */
export function signBusinessRuleRequest(
  payload: unknown,
  signing: SigningOptions,
  now: Date,
) {
  const rawBody = Buffer.from(JSON.stringify(payload));
  if (signing.scheme === 'standard-webhooks') {
    const eventId = (payload as { event_id?: unknown }).event_id;
    const id = typeof eventId === 'string' && eventId ? eventId : newSysId();
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const mac = createHmac('sha256', signing.secret)
      .update(`${id}.${timestamp}.`)
      .update(rawBody)
      .digest('base64');
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ServiceNow/1.0',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${mac}`,
      } as Record<string, string>,
    };
  }
  const signature = createHmac('sha256', signing.secret)
    .update(rawBody)
    .digest(signing.encoding === 'hex' ? 'hex' : 'base64');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-servicenow-signature': signature,
    'user-agent': 'ServiceNow/1.0',
  };
  if (signing.timestamp)
    headers['x-servicenow-timestamp'] = String(
      Math.floor(now.getTime() / 1000),
    );
  return { rawBody, headers };
}
