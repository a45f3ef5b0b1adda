export type {
  ConflictQuery,
  IncidentQuery,
  ItsmSyncApi,
  ReconcileOptions,
} from './ItsmSyncApi';
export {
  ItsmSyncClient,
  type ItsmSyncDiscovery,
  type ItsmSyncFetch,
} from './ItsmSyncClient';
export { ManualSyncCooldownError, errorMessage } from './errors';
export { backendUrlDiscovery, fetchWithBearerToken } from './connection';
