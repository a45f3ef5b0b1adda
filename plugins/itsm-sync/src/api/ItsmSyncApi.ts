import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ItsmSyncApi as ItsmSyncRestApi } from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * What the portal uses of the itsm-sync REST API; the app registers the shared
 * `ItsmSyncClient` of itsm-sync-common for it.
 * @public
 */
export type ItsmSyncApi = Pick<
  ItsmSyncRestApi,
  | 'listIncidentsForEntity'
  | 'listIntegrations'
  | 'getIntegration'
  | 'createIntegration'
  | 'updateIntegration'
  | 'testIntegration'
  | 'getSyncStatus'
  | 'getMetricSeries'
  | 'listFieldOwnership'
  | 'listReconcileRuns'
  | 'getIncident'
  | 'getIncidentTimeline'
  | 'listConnectors'
  | 'listConflicts'
  | 'getConflict'
  | 'resolveConflict'
  | 'listDlq'
  | 'retryDlqEntry'
  | 'discardDlqEntry'
  | 'syncIncident'
  | 'previewRouting'
  | 'getRouting'
  | 'setRouting'
  | 'listCallbackTokens'
  | 'createCallbackToken'
  | 'revokeCallbackToken'
  | 'getIncidentTrace'
  | 'previewIntegration'
>;

/** @public */
export const itsmSyncApiRef = createApiRef<ItsmSyncApi>({
  id: 'plugin.itsm-sync.api',
});
