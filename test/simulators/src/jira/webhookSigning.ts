import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** How webhooks are authenticated: an admin webhook secret, or a Connect app's shared secret. */
export type JiraWebhookScheme = 'hmac' | 'jwt';

export interface JiraSigning {
  scheme: JiraWebhookScheme;
  secret: string;
  /** The Connect `clientKey` that becomes the JWT's `iss`. */
  issuer: string;
  /** Lifetime of a JWT in seconds (Jira uses 3 minutes). */
  jwtLifetimeSeconds?: number;
}

/** RFC 3986 percent-encoding, as Atlassian's canonical request wants it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Atlassian's canonical request: `METHOD&path&query`, with the query's parameters
 * sorted, `jwt` left out, repeated values sorted and joined with commas.
 */
export function canonicalRequest(method: string, pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://canonical.invalid');
  let path = url.pathname || '/';
  if (path.length > 1) path = path.replace(/\/+$/, '');
  path = path.replace(/&/g, '%26');
  const grouped = new Map<string, string[]>();
  for (const [k, v] of url.searchParams) {
    if (k === 'jwt') continue;
    grouped.set(k, [...(grouped.get(k) ?? []), v]);
  }
  const query = [...grouped.keys()]
    .sort()
    .map(k => `${encode(k)}=${grouped.get(k)!.map(encode).sort().join(',')}`)
    .join('&');
  return `${method.toUpperCase()}&${path}&${query}`;
}

/** The `qsh` claim: SHA-256 hex of the canonical request. */
export function queryStringHash(method: string, pathAndQuery: string): string {
  return createHash('sha256')
    .update(canonicalRequest(method, pathAndQuery))
    .digest('hex');
}

/** Headers Jira sends with a webhook of these exact bytes to `pathAndQuery`. */
export async function signWebhook(
  rawBody: Buffer,
  pathAndQuery: string,
  signing: JiraSigning,
  now: Date,
  deliveryId: string = randomUUID(),
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Atlassian Webhook HTTP Client',
    'x-atlassian-webhook-identifier': deliveryId,
  };
  if (signing.scheme === 'hmac') {
    headers['x-hub-signature'] =
      `sha256=${createHmac('sha256', signing.secret).update(rawBody).digest('hex')}`;
    return headers;
  }
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({
    qsh: queryStringHash('POST', pathAndQuery),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(signing.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (signing.jwtLifetimeSeconds ?? 180))
    .sign(new TextEncoder().encode(signing.secret));
  headers.authorization = `JWT ${token}`;
  return headers;
}
