/*
 * The ITSM Sync Hub backend: catalog, auth, permissions, the itsm-sync plugin and every
 * connector module. `npm start` at the repository root runs it with app-config.yaml.
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
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicyModule'));

backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend'));
backend.add(
  import('@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow'),
);
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-jira'));
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty'));
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-webhook'));
backend.add(import('./modules/demo/demoModule'));

backend.start();
