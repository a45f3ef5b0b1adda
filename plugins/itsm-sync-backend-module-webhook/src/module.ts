import { createBackendModule } from '@backstage/backend-plugin-api';
import { itsmConnectorsExtensionPoint } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { WebhookConnector } from './connector/WebhookConnector';

/**
 * Adds the generic templated ITSM webhook connector (`itsm-webhook`, docs/connectors/webhook.md) to itsm-sync.
 * @public
 */
export const itsmSyncModuleWebhook = createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'webhook',
  register(reg) {
    reg.registerInit({
      deps: { connectors: itsmConnectorsExtensionPoint },
      async init({ connectors }) {
        connectors.addConnector(new WebhookConnector());
      },
    });
  },
});
