import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of a body, as raw bytes. @public */
export function hmacSha256(secret: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/**
 * Compares a presented signature with the expected bytes in constant time. The
 * presented value may be hex or Base64 (ServiceNow's helper emits Base64).
 * @public
 */
export function signatureMatches(expected: Buffer, presented: string): boolean {
  const value = presented.trim();
  const candidates: Buffer[] = [];
  if (/^[0-9a-f]+$/i.test(value) && value.length === expected.length * 2) {
    candidates.push(Buffer.from(value, 'hex'));
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    candidates.push(
      Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64'),
    );
  }
  let matched = false;
  for (const candidate of candidates) {
    // Compare every candidate so timing does not reveal which encoding matched.
    if (
      candidate.length === expected.length &&
      timingSafeEqual(candidate, expected)
    ) {
      matched = true;
    }
  }
  return matched;
}

/**
 * True when any of the secrets (rotation) signs `body` to one of the presented
 * signatures. Every pair is compared, so timing does not reveal which matched.
 * @public
 */
export function anyHmacSha256Matches(
  secrets: string[],
  body: Buffer,
  presented: string[],
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = hmacSha256(secret, body);
    for (const signature of presented) {
      if (signatureMatches(expected, signature)) matched = true;
    }
  }
  return matched;
}

/**
 * Whether a signed timestamp (epoch seconds or milliseconds, or ISO) lies within the
 * replay window (5 minutes by default) of now.
 * @public
 */
export function timestampWithinWindow(
  value: string,
  now: Date = new Date(),
  windowMs: number = 5 * 60 * 1000,
): boolean {
  let ms: number;
  if (/^\d+$/.test(value.trim())) {
    const n = Number(value.trim());
    ms = n < 1e12 ? n * 1000 : n;
  } else {
    ms = Date.parse(value);
  }
  return Number.isFinite(ms) && Math.abs(now.getTime() - ms) <= windowMs;
}

/** SHA-256 (hex) of a callback token, as the hub stores it. @public */
export function hashCallbackToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The stored hash a presented callback token hashes to, if any. Every hash is compared,
 * in constant time, so timing reveals neither which matched nor how much.
 * @public
 */
export function matchingCallbackTokenHash(
  storedHashes: string[],
  presented: string,
): string | undefined {
  const candidate = Buffer.from(hashCallbackToken(presented.trim()), 'hex');
  let matched: string | undefined;
  for (const stored of storedHashes) {
    const expected = Buffer.from(stored, 'hex');
    if (
      expected.length === candidate.length &&
      timingSafeEqual(expected, candidate)
    )
      matched = stored;
  }
  return matched;
}
