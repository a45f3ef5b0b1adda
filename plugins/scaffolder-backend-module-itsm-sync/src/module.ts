import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createIncidentAction } from './actions/createIncidentAction';
import { linkIncidentAction } from './actions/linkIncidentAction';
import { syncIncidentAction } from './actions/syncIncidentAction';
import { UserItsmSyncClient } from './UserItsmSyncClient';

/**
 * Adds itsm-sync's actions to the scaffolder: open an incident, link it to an integration,
 * sync it now. They call the itsm-sync API on behalf of the user running the template.
 * @public
 */
export const scaffolderModuleItsmSync = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'itsm-sync',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, discovery }) {
        const api = UserItsmSyncClient.create({ auth, discovery });
        scaffolder.addActions(
          createIncidentAction(api),
          linkIncidentAction(api),
          syncIncidentAction(api),
        );
      },
    });
  },
});
