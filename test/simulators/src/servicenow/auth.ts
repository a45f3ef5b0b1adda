import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimRequest, SimResponse } from '../shared/SimulatorServer';

/** What an integration must be configured with to reach the simulator. */
export interface ServiceNowCredentials {
  username: string;
  password: string;
  client_id: string;
  client_secret: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Basic auth for the API user and OAuth client-credentials bearer tokens from
 * `/oauth_token.do`, which expire after `tokenTtlSeconds`.
 */
export class ServiceNowAuth {
  private readonly tokens = new Map<
    string,
    { expiresAt: number; user: string }
  >();
  tokenTtlSeconds = 1799;

  constructor(readonly credentials: ServiceNowCredentials) {}

  /** The user name a request acts as, or undefined when it is not authenticated. */
  authenticate(req: SimRequest): string | undefined {
    const header = String(req.headers.authorization ?? '');
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString(
        'utf8',
      );
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const ok =
        colon > 0 &&
        same(user, this.credentials.username) &&
        same(password, this.credentials.password);
      return ok ? user : undefined;
    }
    if (/^bearer /i.test(header)) {
      const token = this.tokens.get(header.slice(7).trim());
      if (token && token.expiresAt > Date.now()) return token.user;
    }
    return undefined;
  }

  /** Expires every issued token (tests of token refresh). */
  revokeTokens() {
    this.tokens.clear();
  }

  /** POST /oauth_token.do with grant_type=client_credentials. */
  tokenEndpoint(req: SimRequest): SimResponse {
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    let clientId = form.get('client_id') ?? '';
    let clientSecret = form.get('client_secret') ?? '';
    const header = String(req.headers.authorization ?? '');
    if (/^basic /i.test(header)) {
      const [id, ...secret] = Buffer.from(header.slice(6).trim(), 'base64')
        .toString('utf8')
        .split(':');
      clientId = decodeURIComponent(id);
      clientSecret = decodeURIComponent(secret.join(':'));
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: {
          error: 'unsupported_grant_type',
          error_description: 'only client_credentials is enabled',
        },
      };
    }
    if (
      !same(clientId, this.credentials.client_id) ||
      !same(clientSecret, this.credentials.client_secret)
    ) {
      return {
        status: 401,
        body: { error_description: 'access_denied', error: 'server_error' },
      };
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      expiresAt: Date.now() + this.tokenTtlSeconds * 1000,
      user: this.credentials.username,
    });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        scope: 'useraccount',
        token_type: 'Bearer',
        expires_in: this.tokenTtlSeconds,
      },
    };
  }
}
