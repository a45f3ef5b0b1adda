import { createBackendModule } from '@backstage/backend-plugin-api';
import { itsmConnectorsExtensionPoint } from '../extensionPoint';
import { createTestConnector } from './testConnector';

/**
 * A backend module that installs the test connector (type `test`), as a real connector
 * module would; add it beside the itsm-sync plugin in a test backend.
 * @public
 */
export const testConnectorModule = createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'test-connector',
  register(reg) {
    reg.registerInit({
      deps: { connectors: itsmConnectorsExtensionPoint },
      async init({ connectors }) {
        connectors.addConnector(createTestConnector());
      },
    });
  },
});
