import { createHash } from 'node:crypto';
import {
  ConnectorError,
  VendorHttpClient,
  type ConnectorContext,
} from '@itsm-sync-hub/plugin-itsm-sync-node';

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** Renew this long before the token says it expires. */
const EARLY_RENEWAL_MS = 60_000;

/**
 * OAuth client-credentials tokens from the instance's `/oauth_token.do`, cached per
 * instance and client until shortly before they expire. The cache key holds a hash of
 * the secret, never the secret.
 */
export class OAuthTokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  private key(ctx: ConnectorContext): string {
    const { baseUrl, credentials } = ctx.integration;
    const secretHash = createHash('sha256')
      .update(credentials.client_secret ?? '')
      .digest('hex');
    return `${baseUrl}|${credentials.client_id}|${secretHash}`;
  }

  forget(ctx: ConnectorContext) {
    this.tokens.delete(this.key(ctx));
  }

  async token(ctx: ConnectorContext): Promise<string> {
    const key = this.key(ctx);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EARLY_RENEWAL_MS > Date.now())
      return cached.accessToken;

    const client = new VendorHttpClient({
      baseUrl: ctx.integration.baseUrl,
      vendor: 'ServiceNow OAuth',
      headers: () => ({}),
      outbound: ctx.outbound,
    });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ctx.integration.credentials.client_id,
      client_secret: ctx.integration.credentials.client_secret,
    });
    const { body } = await client.request<{
      access_token?: string;
      expires_in?: number;
    }>({
      method: 'POST',
      path: '/oauth_token.do',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: ctx.signal,
    });
    if (!body?.access_token) {
      throw new ConnectorError({
        message: 'ServiceNow OAuth answered without an access_token',
        kind: 'permanent',
      });
    }
    const expiresIn = Number(body.expires_in ?? 1800);
    this.tokens.set(key, {
      accessToken: body.access_token,
      expiresAt: Date.now() + expiresIn * 1000,
    });
    return body.access_token;
  }
}
