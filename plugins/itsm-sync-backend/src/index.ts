/**
 * The ITSM Sync Hub backend plugin.
 *
 * @packageDocumentation
 */
export { itsmSyncPlugin as default } from './plugin';
export * from './permissions/conditions';
export {
  conflictPermissionResourceRef,
  integrationPermissionResourceRef,
  type ConflictPermissionResource,
  type IntegrationPermissionResource,
  type ItsmSyncPermissionFilter,
} from './permissions/resources';
export {
  conflictPermissionRules,
  integrationPermissionRules,
} from './permissions/rules';
