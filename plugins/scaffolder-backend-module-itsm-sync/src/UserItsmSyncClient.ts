import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ForwardedError } from '@backstage/errors';
import {
  errorMessage,
  fetchWithBearerToken,
  ItsmSyncClient,
  type ItsmSyncApi,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * The shared itsm-sync REST client, called as the user running a template: each call
 * carries a token made on that user's behalf, so the plugin's permissions and audit log
 * apply to the person.
 * @public
 */
export class UserItsmSyncClient {
  private constructor(
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
  ) {}

  static create(options: {
    auth: AuthService;
    discovery: DiscoveryService;
  }): UserItsmSyncClient {
    return new UserItsmSyncClient(options.auth, options.discovery);
  }

  /** Runs `request` as `credentials`; a refusal carries the API's own message (what a template author needs). */
  async as<T>(
    credentials: BackstageCredentials,
    what: string,
    request: (api: ItsmSyncApi) => Promise<T>,
  ): Promise<T> {
    const client = new ItsmSyncClient({
      discoveryApi: this.discovery,
      fetchApi: fetchWithBearerToken(
        async () =>
          (
            await this.auth.getPluginRequestToken({
              onBehalfOf: credentials,
              targetPluginId: 'itsm-sync',
            })
          ).token,
      ),
    });
    try {
      return await request(client);
    } catch (error) {
      throw new ForwardedError(
        `itsm-sync could not ${what}: ${errorMessage(error)}`,
        error,
      );
    }
  }
}
