import type { Config } from '@backstage/config';

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

function loopbackUrl(value: string | undefined): boolean {
  if (!value) return true;
  try {
    return LOOPBACK_HOSTS.test(new URL(value).hostname);
  } catch {
    return false;
  }
}

/** Where the backend's database is, when it is a server: a host name, or undefined (SQLite, unset). */
function databaseHost(config: Config): string | undefined {
  const client = config.getOptionalString('backend.database.client');
  if (!client || /sqlite/i.test(client)) return undefined;
  const connection = config.getOptional('backend.database.connection');
  if (typeof connection === 'string') {
    try {
      return new URL(connection).hostname || 'localhost';
    } catch {
      return connection;
    }
  }
  return (
    config.getOptionalString('backend.database.connection.host') ?? 'localhost'
  );
}

/**
 * Whether this backend is positively a development or test one, and if not, why. The
 * key-less development mode (a generated encryption key) is allowed only when every sign
 * says so: NODE_ENV is `development` or `test` (unset is not enough: a production start
 * without it must not quietly generate a key), the backend's base URL is a loopback one,
 * and the database is SQLite or on a loopback host.
 */
export function developmentSigns(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): { development: boolean; production: string[] } {
  const production: string[] = [];
  if (env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test')
    production.push(
      `NODE_ENV is ${env.NODE_ENV ? `'${env.NODE_ENV}'` : 'not set'}`,
    );
  const baseUrl = config.getOptionalString('backend.baseUrl');
  if (!loopbackUrl(baseUrl))
    production.push('backend.baseUrl is not a loopback address');
  const host = databaseHost(config);
  if (host !== undefined && !LOOPBACK_HOSTS.test(host))
    production.push('the database is not on a loopback host');
  return { development: production.length === 0, production };
}
