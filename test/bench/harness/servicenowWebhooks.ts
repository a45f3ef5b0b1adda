import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signed ServiceNow business-rule webhooks built from a real one the simulator sent:
 * each carries a new event id and a new work note (owned by ServiceNow, so the hub
 * applies it), signed like the business rule signs (HMAC-SHA256, Base64).
 */
export function serviceNowWorkNoteWebhook(
  template: Buffer,
  secret: string,
  n: number,
) {
  const payload = JSON.parse(template.toString('utf8'));
  payload.event_id = randomBytes(16).toString('hex');
  payload.operation = 'update';
  payload.work_notes = `bench work note ${n}`;
  payload.changed_fields = ['work_notes'];
  const rawBody = Buffer.from(JSON.stringify(payload));
  const signature = createHmac('sha256', secret)
    .update(rawBody)
    .digest('base64');
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      'x-servicenow-signature': signature,
    },
  };
}
