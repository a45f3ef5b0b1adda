/**
 * Scaffolder actions for itsm-sync: `itsm-sync:incident:create`, `itsm-sync:incident:link`
 * and `itsm-sync:integration:sync`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleItsmSync as default } from './module';
export { createIncidentAction } from './actions/createIncidentAction';
export { linkIncidentAction } from './actions/linkIncidentAction';
export { syncIncidentAction } from './actions/syncIncidentAction';
export { UserItsmSyncClient } from './UserItsmSyncClient';
