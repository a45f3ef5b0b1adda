export { itsmSyncPlugin as default } from './plugin';
export { itsmSyncApiRef } from './api/ItsmSyncApi';
export type { ItsmSyncApi } from './api/ItsmSyncApi';
