import { createBackendModule } from '@backstage/backend-plugin-api';
import { itsmConnectorsExtensionPoint } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { PagerDutyConnector } from './connector/PagerDutyConnector';

/** Adds the PagerDuty connector to the itsm-sync plugin. @public */
export const itsmSyncModulePagerDuty = createBackendModule({
  pluginId: 'itsm-sync',
  moduleId: 'pagerduty',
  register(env) {
    env.registerInit({
      deps: { connectors: itsmConnectorsExtensionPoint },
      async init({ connectors }) {
        connectors.addConnector(new PagerDutyConnector());
      },
    });
  },
});
