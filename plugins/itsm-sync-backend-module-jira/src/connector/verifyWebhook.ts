import { timingSafeEqual } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import {
  anyHmacSha256Matches,
  type WebhookRequest,
  type WebhookVerification,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { queryStringHash } from './canonicalRequest';

/** What verification needs from the integration. */
export interface VerificationKeys {
  /** Admin webhook secrets or Connect shared secrets, newest first (rotation). */
  secrets: string[];
  /** The Connect `clientKey` a JWT's `iss` must equal. */
  jwtIssuer?: string;
  /** A prefix of the webhook path that the Connect app's base URL covers. */
  jwtBasePath?: string;
  now?: Date;
}

/** Seconds of clock skew tolerated on `exp`/`nbf`. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** An admin webhook: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
export function verifyHubSignature(request: WebhookRequest, secrets: string[], header: string): WebhookVerification {
  const presented = header
    .split(',')
    .map(s => s.trim())
    .filter(s => /^sha256=/i.test(s))
    .map(s => s.slice('sha256='.length));
  if (!presented.length) return { ok: false, reason: 'X-Hub-Signature is not of the form sha256=<hex>' };
  return anyHmacSha256Matches(secrets, request.rawBody, presented)
    ? { ok: true }
    : { ok: false, reason: 'X-Hub-Signature does not match the body' };
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The JWT of a Connect request: `Authorization: JWT <token>`, or the `jwt` query parameter. */
export function jwtFrom(request: WebhookRequest): string | undefined {
  const match = /^JWT\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  if (match) return match[1];
  const query = new URL(request.url, 'http://request.invalid').searchParams.get('jwt');
  return query ?? undefined;
}

/**
 * A Connect app webhook: a JWT HS256 signed with the shared secret; `iss` must be the
 * configured clientKey, `exp` in the future, and `qsh` the hash of this very request.
 * The body is not covered by the JWT (Atlassian's design), so the method and URL are.
 */
export async function verifyConnectJwt(
  request: WebhookRequest,
  token: string,
  keys: VerificationKeys,
): Promise<WebhookVerification> {
  if (!keys.jwtIssuer) return { ok: false, reason: 'a JWT was presented but settings.jwt_issuer is not configured' };
  let payload: JWTPayload | undefined;
  let lastReason = 'JWT signature does not match';
  // Every secret is tried, so the time taken does not reveal which one matched.
  for (const secret of keys.secrets) {
    try {
      const result = await jwtVerify(token, new TextEncoder().encode(secret), {
        algorithms: ['HS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['iss', 'iat', 'exp', 'qsh'],
        currentDate: keys.now,
      });
      payload ??= result.payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') lastReason = 'JWT has expired';
      else if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') lastReason = `JWT claim check failed: ${(error as Error).message}`;
      else if (code === 'ERR_JWS_INVALID' || code === 'ERR_JWT_INVALID') lastReason = 'JWT is malformed';
      else if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') lastReason = 'JWT algorithm must be HS256';
    }
  }
  if (!payload) return { ok: false, reason: lastReason };
  if (!constantTimeEquals(String(payload.iss), keys.jwtIssuer)) {
    return { ok: false, reason: 'JWT iss is not the configured Jira clientKey' };
  }
  const expected = queryStringHash(request.method, request.url, keys.jwtBasePath);
  if (typeof payload.qsh !== 'string' || !constantTimeEquals(payload.qsh, expected)) {
    return { ok: false, reason: 'JWT qsh does not match this request' };
  }
  return { ok: true };
}

/** Either scheme Jira signs with; refuses when neither is present. */
export async function verifyJiraWebhook(request: WebhookRequest, keys: VerificationKeys): Promise<WebhookVerification> {
  if (!keys.secrets.length) return { ok: false, reason: 'no webhook secret is configured for this integration' };
  const hub = request.headers['x-hub-signature'];
  if (hub) return verifyHubSignature(request, keys.secrets, hub);
  const token = jwtFrom(request);
  if (token) return verifyConnectJwt(request, token, keys);
  return { ok: false, reason: 'neither X-Hub-Signature nor a Connect JWT is present' };
}
