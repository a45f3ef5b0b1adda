import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from './types';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, spec 1.0): the sender signs
 * `<webhook-id>.<webhook-timestamp>.<raw body>` with HMAC-SHA256 and sends
 * `webhook-signature: v1,<base64>` (several space-separated for rotation). Because the id
 * and the time are signed, the id is a trustworthy dedup key and the time bounds replays.
 * @public
 */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The replay window of the scheme: 5 minutes either side of now. @public */
export const STANDARD_WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * The HMAC key of a secret: a `whsec_`-prefixed secret is Base64 of the key (the spec's
 * form); any other secret is used as its UTF-8 bytes, so a hub webhook secret works as is.
 */
function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/**
 * The `webhook-signature` value (`v1,<base64>`) of one delivery. `timestampSeconds` is
 * Unix seconds. This is what a sender runs; the ServiceNow script does the same.
 * @public
 */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${id}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a signed delivery, for senders (simulators, tests, scripts). @public */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  body: Buffer | string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: id,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(
      secret,
      id,
      timestamp,
      body,
    ),
  };
}

/** @public */
export type StandardWebhookVerification =
  { ok: true; id: string; timestampMs: number } | { ok: false; reason: string };

/**
 * Verifies a Standard Webhooks delivery: all three headers present, the timestamp within
 * the window of now, and one `v1` signature made by one of the secrets (every pair
 * compared in constant time, so timing reveals neither). The answer carries the signed id,
 * the only delivery id a receiver may trust.
 * @public
 */
export function verifyStandardWebhook(
  request: Pick<WebhookRequest, 'headers' | 'rawBody'>,
  secrets: string[],
  options: { now?: Date; toleranceMs?: number } = {},
): StandardWebhookVerification {
  const id = request.headers[STANDARD_WEBHOOK_HEADERS.id]?.trim();
  const timestamp = request.headers[STANDARD_WEBHOOK_HEADERS.timestamp]?.trim();
  const signature = request.headers[STANDARD_WEBHOOK_HEADERS.signature]?.trim();
  if (!id || !timestamp || !signature) {
    return {
      ok: false,
      reason:
        'a webhook-id, webhook-timestamp and webhook-signature header are all required',
    };
  }
  if (id.length > 200)
    return { ok: false, reason: 'webhook-id is longer than 200 characters' };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'webhook-timestamp must be Unix seconds' };
  if (!secrets.length)
    return {
      ok: false,
      reason: 'no webhook secret is configured for this integration',
    };
  const timestampMs = Number(timestamp) * 1000;
  const now = (options.now ?? new Date()).getTime();
  if (
    Math.abs(now - timestampMs) >
    (options.toleranceMs ?? STANDARD_WEBHOOK_TOLERANCE_MS)
  ) {
    return {
      ok: false,
      reason: 'webhook-timestamp is outside the 5 minute window',
    };
  }
  const presented = signature
    .split(' ')
    .filter(s => s.startsWith('v1,'))
    .map(s => Buffer.from(s.slice(3), 'base64'));
  if (!presented.length)
    return { ok: false, reason: 'webhook-signature has no v1 signature' };
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(
      signStandardWebhook(secret, id, Number(timestamp), request.rawBody).slice(
        3,
      ),
      'base64',
    );
    for (const candidate of presented) {
      if (
        candidate.length === expected.length &&
        timingSafeEqual(candidate, expected)
      )
        matched = true;
    }
  }
  return matched
    ? { ok: true, id, timestampMs }
    : { ok: false, reason: 'webhook-signature does not match' };
}

/** The settings value selecting how inbound webhooks are signed. @public */
export const WEBHOOK_SIGNATURE_SCHEMES = [
  'legacy',
  'standard-webhooks',
] as const;
/** @public */
export type WebhookSignatureScheme = (typeof WEBHOOK_SIGNATURE_SCHEMES)[number];

/**
 * Reads `settings.webhook_signature_scheme`: `legacy` (the connector's own scheme, the
 * default so existing integrations keep working) or `standard-webhooks`. Throws an Error
 * naming the setting for any other value.
 * @public
 */
export function webhookSignatureScheme(
  settings: Record<string, unknown>,
): WebhookSignatureScheme {
  const value = settings.webhook_signature_scheme;
  if (value === undefined || value === null) return 'legacy';
  if (
    typeof value === 'string' &&
    (WEBHOOK_SIGNATURE_SCHEMES as readonly string[]).includes(value)
  ) {
    return value as WebhookSignatureScheme;
  }
  throw new Error(
    `webhook_signature_scheme must be one of ${WEBHOOK_SIGNATURE_SCHEMES.join(', ')}`,
  );
}
