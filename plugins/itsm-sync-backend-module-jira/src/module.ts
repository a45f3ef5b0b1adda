import { createBackendModule } from '@backstage/backend-plugin-api';
import { itsmConnectorsExtensionPoint } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { JiraConnector } from './connector';

/**
 * Adds the Jira Service Management connector to the itsm-sync plugin.
 * @public
 */
export const itsmSyncModuleJira = createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'jira',
  register(reg) {
    reg.registerInit({
      deps: { connectors: itsmConnectorsExtensionPoint },
      async init({ connectors }) {
        connectors.addConnector(new JiraConnector());
      },
    });
  },
});
