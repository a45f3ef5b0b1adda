import {
  anyHmacSha256Matches,
  type WebhookRequest,
  type WebhookVerification,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The `v1=` signatures of an `X-PagerDuty-Signature` header (several during rotation). */
export function v1Signatures(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map(part => part.trim())
    .filter(part => part.startsWith('v1='))
    .map(part => part.slice(3))
    .filter(sig => HEX_SHA256.test(sig));
}

/**
 * PagerDuty Webhooks v3: HMAC-SHA256 of the raw body, hex, as `v1=<sig>`. Every secret is
 * tried against every signature in constant time, so rotation on either side works.
 */
export function verifyPagerDutyWebhook(
  secrets: string[],
  request: WebhookRequest,
): WebhookVerification {
  if (!secrets.length)
    return {
      ok: false,
      reason: 'no webhook signing secret is configured for this integration',
    };
  const header = request.headers['x-pagerduty-signature'];
  if (!header)
    return { ok: false, reason: 'missing X-PagerDuty-Signature header' };
  const signatures = v1Signatures(header);
  if (!signatures.length)
    return {
      ok: false,
      reason: 'X-PagerDuty-Signature carries no v1 signature',
    };
  return anyHmacSha256Matches(secrets, request.rawBody, signatures)
    ? { ok: true }
    : {
        ok: false,
        reason: 'X-PagerDuty-Signature does not match any configured secret',
      };
}
