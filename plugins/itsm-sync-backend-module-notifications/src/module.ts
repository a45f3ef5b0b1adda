import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { itsmSyncEventsExtensionPoint } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { OwnerNotifier } from './OwnerNotifier';

/**
 * Notifies owners through Backstage notifications when a conflict waits for their review,
 * their changes land in the DLQ or an integration they own fails.
 * @public
 */
export const itsmSyncModuleNotifications = createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'notifications',
  register(reg) {
    reg.registerInit({
      deps: {
        events: itsmSyncEventsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({ events, config, ...deps }) {
        events.addListener(OwnerNotifier.fromConfig(config, deps));
      },
    });
  },
});
