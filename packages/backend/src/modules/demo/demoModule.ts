import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  errorMessage,
  fetchWithBearerToken,
  ItsmSyncClient,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { startDemoSimulators, type DemoSimulators } from './demoSimulators';
import { seedDemo } from './seedDemo';

/**
 * The demo behind `npm start` (itsmSync.demo.enabled): runs the bundled ServiceNow, Jira
 * and PagerDuty simulators on loopback and seeds integrations and incidents through the
 * itsm-sync REST API once the backend is up. With `itsmSync.demo.stateDirectory` the
 * simulators keep their tickets across restarts, and a restart only refreshes the demo
 * integrations' simulator credentials and webhook targets.
 */
export default createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'demo',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ config, logger, lifecycle, auth, discovery }) {
        if (!config.getOptionalBoolean('itsmSync.demo.enabled')) return;
        let sims: DemoSimulators | undefined;
        lifecycle.addStartupHook(async () => {
          sims = await startDemoSimulators({
            stateDirectory: config.getOptionalString(
              'itsmSync.demo.stateDirectory',
            ),
          });
          // Seeded through the REST API with the demo's own service token, as a user or the CLI would.
          const api = new ItsmSyncClient({
            discoveryApi: discovery,
            fetchApi: fetchWithBearerToken(
              async () =>
                (
                  await auth.getPluginRequestToken({
                    onBehalfOf: await auth.getOwnServiceCredentials(),
                    targetPluginId: 'itsm-sync',
                  })
                ).token,
            ),
          });
          try {
            await seedDemo({
              api,
              sims,
              webhookBaseUrl: await discovery.getExternalBaseUrl('itsm-sync'),
              logger,
            });
          } catch (error) {
            logger.error(`demo: seeding failed: ${errorMessage(error)}`);
          }
        });
        lifecycle.addShutdownHook(async () => {
          await sims?.stop();
        });
      },
    });
  },
});
