/*
 * The ITSM Sync Hub backend: catalog, auth, permissions, notifications, the scaffolder, the
 * itsm-sync plugin with every connector module, owner notifications and scaffolder actions. `npm start` at the repository root runs it with app-config.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';
import { applyImTokenAccess } from './imToken';
import { applyIncidentsLogEnv } from './incidentsLogEnv';

applyImTokenAccess(process.env);
applyIncidentsLogEnv(process.env);

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicyModule'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend'));

backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend'));
backend.add(
  import('@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow'),
);
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-jira'));
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty'));
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-webhook'));
backend.add(
  import('@itsm-sync-hub/plugin-itsm-sync-backend-module-notifications'),
);
backend.add(
  import('@itsm-sync-hub/plugin-scaffolder-backend-module-itsm-sync'),
);
backend.add(import('./modules/demo/demoModule'));

backend.start();
