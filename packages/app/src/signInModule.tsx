import { SignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Guest sign-in, as configured in app-config.yaml (`auth.providers.guest`), so that
 * requests to the backend carry a Backstage user token.
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => props => (
          <SignInPage {...props} auto providers={['guest']} />
        ),
      },
    }),
  ],
});
