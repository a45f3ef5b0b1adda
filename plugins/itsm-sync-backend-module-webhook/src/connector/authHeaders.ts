import { ConnectorError } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { WebhookSettings } from '../settings/webhookSettings';

function missing(what: string): ConnectorError {
  // Names the missing entries, never a value.
  return new ConnectorError({
    message: `ITSM webhook credentials are incomplete: ${what}`,
    kind: 'permanent',
  });
}

/** The authentication header for the configured auth type, from the integration's credentials. */
export function authHeaders(
  settings: WebhookSettings,
  credentials: Record<string, string>,
): Record<string, string> {
  switch (settings.authType) {
    case 'basic': {
      let user = credentials.username;
      let password = credentials.password;
      if (
        (user === undefined || password === undefined) &&
        credentials.credentials?.includes(':')
      ) {
        const at = credentials.credentials.indexOf(':');
        user = credentials.credentials.slice(0, at);
        password = credentials.credentials.slice(at + 1);
      }
      if (!user || password === undefined)
        throw missing(
          'auth_type basic needs username and password (or credentials as username:password)',
        );
      return {
        [settings.authHeader]: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
      };
    }
    case 'bearer': {
      const token = credentials.token ?? credentials.credentials;
      if (!token) throw missing('auth_type bearer needs token');
      return { [settings.authHeader]: `Bearer ${token}` };
    }
    case 'api_key': {
      const key =
        credentials.api_key ?? credentials.token ?? credentials.credentials;
      if (!key) throw missing('auth_type api_key needs api_key');
      return { [settings.authHeader]: key };
    }
    default:
      throw missing('unknown auth_type');
  }
}
