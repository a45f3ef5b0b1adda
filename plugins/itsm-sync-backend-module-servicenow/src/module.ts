import { createBackendModule } from '@backstage/backend-plugin-api';
import { itsmConnectorsExtensionPoint } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { ServiceNowConnector } from './connector/ServiceNowConnector';

/**
 * Adds the ServiceNow connector (Table API + business-rule webhooks) to the itsm-sync
 * plugin. It reads no configuration: each integration carries its own instance URL,
 * credentials, webhook secrets and mapping settings.
 * @public
 */
export const itsmSyncModuleServiceNow = createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'servicenow',
  register(reg) {
    reg.registerInit({
      deps: { connectors: itsmConnectorsExtensionPoint },
      async init({ connectors }) {
        connectors.addConnector(new ServiceNowConnector());
      },
    });
  },
});
