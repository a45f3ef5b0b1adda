import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import permissionBackend from '@backstage/plugin-permission-backend';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import servicenowModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow';
import permissionPolicyModule from '../permissionPolicyModule';
import { authWithActors } from './authWithActors';

/** A platform administrator. */
export const ROOT = 'user:default/root';
/** An integration.manager scoped to the integration `payments-snow`. */
export const PAT = 'user:default/pat';

/**
 * The backend with the RBAC policy, the real permission backend and permissions service,
 * and the itsm-sync plugin with its ServiceNow module: ROOT administers, PAT manages
 * `payments-snow` only. `features` are added (e.g. an auditor that records).
 */
export function startScopedRbacBackend(features: BackendFeature[] = []) {
  return startTestBackend({
    features: [
      permissionBackend,
      permissionPolicyModule,
      itsmSyncPlugin,
      servicenowModule,
      permissionsServiceFactory,
      authWithActors,
      ...features,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          itsmSync: {
            encryption: { key: '0f'.repeat(32) },
            rbac: {
              roles: {
                'platform.administrator': [ROOT],
                'integration.manager': [PAT],
              },
              integrationScopes: [
                { assignee: PAT, integrations: ['payments-snow'] },
              ],
            },
          },
        },
      }),
    ],
  });
}
