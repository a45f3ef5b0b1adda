import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ItsmSyncRbacPolicy, readRbacSettings } from './itsmSyncRbacPolicy';

/** Installs the itsm-sync RBAC policy into the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'itsm-sync-rbac-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(new ItsmSyncRbacPolicy(readRbacSettings(config)));
      },
    });
  },
});
