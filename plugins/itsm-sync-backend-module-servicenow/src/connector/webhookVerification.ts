import {
  anyHmacSha256Matches,
  timestampWithinWindow,
  verifyStandardWebhook,
  type WebhookSignatureScheme,
  type WebhookRequest,
  type WebhookVerification,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

const SIGNATURE_HEADER = 'x-servicenow-signature';
const TIMESTAMP_HEADER = 'x-servicenow-timestamp';

/**
 * Checks `X-ServiceNow-Signature`: HMAC-SHA256 of the raw body, hex or Base64 (what
 * ServiceNow's GlideCertificateEncryption helper emits), optionally `sha256=`-prefixed,
 * several comma-separated values allowed. Every configured secret is tried (rotation);
 * compares are constant-time. When `X-ServiceNow-Timestamp` is present (or required),
 * it must lie within 5 minutes of now.
 */
export function verifyServiceNowWebhook(
  request: WebhookRequest,
  secrets: string[],
  options: {
    requireTimestamp: boolean;
    now?: Date;
    scheme?: WebhookSignatureScheme;
  },
): WebhookVerification {
  if (options.scheme === 'standard-webhooks') {
    // The id and the time are signed with the body: the id is the dedup key, the time bounds replays.
    const verified = verifyStandardWebhook(request, secrets, {
      now: options.now,
    });
    return verified.ok ? { ok: true } : verified;
  }
  const header = request.headers[SIGNATURE_HEADER];
  if (!header || !header.trim())
    return { ok: false, reason: 'missing X-ServiceNow-Signature header' };
  if (!secrets.length)
    return {
      ok: false,
      reason: 'no webhook secret is configured for this integration',
    };
  const presented = header
    .split(',')
    .map(s => s.trim().replace(/^sha256=/i, ''))
    .filter(Boolean);
  if (!anyHmacSha256Matches(secrets, request.rawBody, presented)) {
    return {
      ok: false,
      reason: 'X-ServiceNow-Signature does not match the body',
    };
  }
  const timestamp = request.headers[TIMESTAMP_HEADER];
  if (!timestamp) {
    return options.requireTimestamp
      ? { ok: false, reason: 'missing X-ServiceNow-Timestamp header' }
      : { ok: true };
  }
  if (!timestampWithinWindow(timestamp, options.now ?? new Date())) {
    return {
      ok: false,
      reason: 'X-ServiceNow-Timestamp is outside the 5 minute window',
    };
  }
  return { ok: true };
}
