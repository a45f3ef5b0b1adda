/**
 * Owner notifications of the ITSM Sync Hub: a backend module of the itsm-sync plugin that
 * sends conflicts awaiting review, DLQ episodes and integration health to the owners
 * through Backstage's notifications service.
 *
 * @packageDocumentation
 */
export { itsmSyncModuleNotifications as default } from './module';
