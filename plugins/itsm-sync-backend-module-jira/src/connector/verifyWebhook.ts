import { createHash, timingSafeEqual } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import {
  anyHmacSha256Matches,
  type ReplayGuard,
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
  /** The oldest a JWT may be by its `iat`, seconds (300 by default). */
  maxTokenAgeSeconds?: number;
  /**
   * Where accepted JWTs are marked used, so each is accepted once until it expires. A JWT
   * is refused without one: the token is the whole proof, and the body is not signed.
   */
  replays?: ReplayGuard;
  now?: Date;
}

/** Seconds of clock skew tolerated on `exp`/`nbf`. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** A Connect JWT lives 3 minutes; older than this by its `iat` is refused whatever its `exp`. */
const DEFAULT_MAX_TOKEN_AGE_SECONDS = 300;

/** An admin webhook: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
function verifyHubSignature(
  request: WebhookRequest,
  secrets: string[],
  header: string,
): WebhookVerification {
  const presented = header
    .split(',')
    .map(s => s.trim())
    .filter(s => /^sha256=/i.test(s))
    .map(s => s.slice('sha256='.length));
  if (!presented.length)
    return {
      ok: false,
      reason: 'X-Hub-Signature is not of the form sha256=<hex>',
    };
  return anyHmacSha256Matches(secrets, request.rawBody, presented)
    ? { ok: true }
    : { ok: false, reason: 'X-Hub-Signature does not match the body' };
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The JWT of a Connect request, from `Authorization: JWT <token>` only. Atlassian also
 * allows a `jwt` query parameter, but URLs end up in access logs and proxies, where a
 * token could be read and replayed, so that form is refused (`inQuery`).
 */
function jwtFrom(request: WebhookRequest): {
  token?: string;
  inQuery: boolean;
} {
  const match = /^JWT\s+(\S+)$/i.exec(
    request.headers.authorization?.trim() ?? '',
  );
  if (match) return { token: match[1], inQuery: false };
  return {
    inQuery: new URL(request.url, 'http://request.invalid').searchParams.has(
      'jwt',
    ),
  };
}

/** Stored instead of the token: a replay cache must not hold credentials. */
const sha256 = (value: Buffer | string) =>
  createHash('sha256').update(value).digest('hex');

/**
 * How long after its `iat` one token may carry further, different bodies. A Connect JWT has
 * no `jti`: Jira signs every delivery of the same second to the same URL with the identical
 * token (iss, iat, exp and qsh are all equal), so a burst of events must share it. Past
 * this, a token seen before is a replay whatever the body.
 */
const SAME_TOKEN_BURST_MS = 10_000;

/**
 * Marks a token used, once per body: the exact delivery again is refused at once; another
 * body with a token already used only within the burst window after its `iat`.
 */
async function firstUseOfToken(
  replays: ReplayGuard,
  token: string,
  request: WebhookRequest,
  payload: JWTPayload,
  now: number,
): Promise<WebhookVerification> {
  const expiresAt = (Number(payload.exp) + CLOCK_TOLERANCE_SECONDS) * 1000;
  const tokenKey = `jira-jwt:${sha256(token)}`;
  const firstOfToken = await replays.firstUse(tokenKey, expiresAt);
  // One hash of token and body: two hashes side by side overflow the key column (120).
  const firstWithBody = await replays.firstUse(
    `jira-jwt-body:${sha256(`${sha256(token)}:${sha256(request.rawBody)}`)}`,
    expiresAt,
  );
  if (!firstWithBody)
    return { ok: false, reason: 'JWT was already used (a replay)' };
  if (!firstOfToken && now - Number(payload.iat) * 1000 > SAME_TOKEN_BURST_MS) {
    return {
      ok: false,
      reason: 'JWT was already used for another delivery (a replay)',
    };
  }
  return { ok: true };
}

/**
 * A Connect app webhook: a JWT HS256 signed with the shared secret; `iss` must be the
 * configured clientKey, `exp` in the future, `iat` within the maximum token age, and `qsh`
 * the hash of this very request, and the token must not have been used before (see
 * `firstUseOfToken`). The body is not covered by the JWT (Atlassian's design), so the
 * method and URL are, and a replayed token could otherwise carry any body.
 */
async function verifyConnectJwt(
  request: WebhookRequest,
  token: string,
  keys: VerificationKeys,
): Promise<WebhookVerification> {
  if (!keys.jwtIssuer)
    return {
      ok: false,
      reason: 'a JWT was presented but settings.jwt_issuer is not configured',
    };
  let payload: JWTPayload | undefined;
  let lastReason = 'JWT signature does not match';
  // Every secret is tried, so the time taken does not reveal which one matched.
  for (const secret of keys.secrets) {
    try {
      const result = await jwtVerify(token, new TextEncoder().encode(secret), {
        algorithms: ['HS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['iss', 'iat', 'exp', 'qsh'],
        maxTokenAge: `${keys.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS}s`,
        currentDate: keys.now,
      });
      payload ??= result.payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // jose reports a token past the maximum age as expired, on its iat claim.
      if (
        code === 'ERR_JWT_EXPIRED' &&
        (error as { claim?: string }).claim === 'iat'
      )
        lastReason = 'JWT is older than the maximum token age';
      else if (code === 'ERR_JWT_EXPIRED') lastReason = 'JWT has expired';
      else if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
        lastReason = `JWT claim check failed: ${(error as Error).message}`;
      else if (code === 'ERR_JWS_INVALID' || code === 'ERR_JWT_INVALID')
        lastReason = 'JWT is malformed';
      else if (code === 'ERR_JOSE_ALG_NOT_ALLOWED')
        lastReason = 'JWT algorithm must be HS256';
    }
  }
  if (!payload) return { ok: false, reason: lastReason };
  if (!constantTimeEquals(String(payload.iss), keys.jwtIssuer)) {
    return {
      ok: false,
      reason: 'JWT iss is not the configured Jira clientKey',
    };
  }
  const expected = queryStringHash(
    request.method,
    request.url,
    keys.jwtBasePath,
  );
  if (
    typeof payload.qsh !== 'string' ||
    !constantTimeEquals(payload.qsh, expected)
  ) {
    return { ok: false, reason: 'JWT qsh does not match this request' };
  }
  // Last, so only a token that is valid in every other way is marked used.
  if (!keys.replays)
    return {
      ok: false,
      reason: 'JWTs cannot be accepted: no replay cache is available',
    };
  return firstUseOfToken(
    keys.replays,
    token,
    request,
    payload,
    (keys.now ?? new Date()).getTime(),
  );
}

/** Either scheme Jira signs with; refuses when neither is present. */
export async function verifyJiraWebhook(
  request: WebhookRequest,
  keys: VerificationKeys,
): Promise<WebhookVerification> {
  if (!keys.secrets.length)
    return {
      ok: false,
      reason: 'no webhook secret is configured for this integration',
    };
  const hub = request.headers['x-hub-signature'];
  if (hub) return verifyHubSignature(request, keys.secrets, hub);
  const { token, inQuery } = jwtFrom(request);
  if (token) return verifyConnectJwt(request, token, keys);
  if (inQuery)
    return {
      ok: false,
      reason:
        'a JWT in the query string is not accepted; send it in the Authorization header',
    };
  return {
    ok: false,
    reason: 'neither X-Hub-Signature nor a Connect JWT is present',
  };
}
