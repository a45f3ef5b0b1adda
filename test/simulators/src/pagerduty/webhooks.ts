import { createHmac, randomUUID } from 'node:crypto';
import { PAGERDUTY_EVENT_CATALOGUE, type PdEventType } from './eventCatalogue';
import { webhookEventId } from './ids';

/** The `{event: {...}}` envelope of a v3 delivery; `resource_type` as the catalogue has it. */
export function webhookEnvelope(options: {
  eventType: PdEventType;
  occurredAt: string;
  agent: unknown;
  data: unknown;
}) {
  return {
    event: {
      id: webhookEventId(),
      event_type: options.eventType,
      resource_type: PAGERDUTY_EVENT_CATALOGUE[options.eventType].resourceType,
      occurred_at: options.occurredAt,
      agent: options.agent,
      client: options.agent ? { name: 'PagerDuty' } : null,
      data: options.data,
    },
  };
}

/**
 * `X-PagerDuty-Signature`: `v1=<hex HMAC-SHA256 of the raw body>` per signing secret,
 * comma-separated when a subscription has more than one (secret rotation).
 */
export function pagerDutySignature(secrets: string[], rawBody: Buffer): string {
  return secrets
    .map(s => `v1=${createHmac('sha256', s).update(rawBody).digest('hex')}`)
    .join(',');
}

/** Headers PagerDuty sends with each delivery (lower-case names). */
export function webhookHeaders(
  secrets: string[],
  rawBody: Buffer,
  subscriptionId: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'PagerDuty-Webhook/V3.0',
    'x-pagerduty-signature': pagerDutySignature(secrets, rawBody),
    'x-webhook-id': randomUUID(),
    'x-webhook-subscription': subscriptionId,
  };
}
