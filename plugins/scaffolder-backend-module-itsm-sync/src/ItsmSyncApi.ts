import type { AuthService, BackstageCredentials, DiscoveryService } from '@backstage/backend-plugin-api';
import { ForwardedError, ResponseError } from '@backstage/errors';

/**
 * The itsm-sync REST API as the user running a template: each call carries a token made on
 * that user's behalf, so the plugin's permissions and audit log apply to the person.
 */
export class ItsmSyncApi {
  private constructor(
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
  ) {}

  static create(options: { auth: AuthService; discovery: DiscoveryService }) {
    return new ItsmSyncApi(options.auth, options.discovery);
  }

  async call<T>(credentials: BackstageCredentials, method: string, path: string, body?: unknown): Promise<T> {
    const { token } = await this.auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'itsm-sync' });
    const response = await fetch(`${await this.discovery.getBaseUrl('itsm-sync')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      // The API's own message (e.g. "Not allowed: itsm-sync.incident.write") is what a template author needs.
      const error = await ResponseError.fromResponse(response);
      throw new ForwardedError(`itsm-sync answered ${method} ${path} with ${error.statusCode}`, error.cause);
    }
    return (await response.json()) as T;
  }
}
