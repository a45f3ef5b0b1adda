import {
  coreServices,
  createServiceFactory,
  type AuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/**
 * The mock auth service, except that a token a plugin gets on behalf of a user names the
 * plugin as its actor, as Backstage's real auth service does. The permission backend
 * refuses conditional questions from a user without an actor, and the mock leaves it out.
 */
export const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return {
      ...auth,
      authenticate: auth.authenticate.bind(auth),
      getNoneCredentials: auth.getNoneCredentials.bind(auth),
      getOwnServiceCredentials: auth.getOwnServiceCredentials.bind(auth),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getLimitedUserToken: auth.getLimitedUserToken.bind(auth),
      listPublicServiceKeys: auth.listPublicServiceKeys.bind(auth),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type !== 'user' || !principal.userEntityRef)
          return auth.getPluginRequestToken(options);
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: plugin.getId() },
          }),
        };
      },
    };
  },
});
