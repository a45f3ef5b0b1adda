export { itsmSyncPlugin as default } from './plugin';
export { itsmSyncApiRef } from './api/ItsmSyncApi';
export type { ItsmSyncApi, ConflictDetails, ConflictQuery } from './api/ItsmSyncApi';
export { ItsmSyncClient } from './api/ItsmSyncClient';
export { ItsmSyncRequestError, ManualSyncCooldownError } from './api/errors';
