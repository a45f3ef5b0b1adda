/**
 * The ServiceNow connector module of the ITSM Sync Hub.
 *
 * @packageDocumentation
 */
export { itsmSyncModuleServiceNow as default } from './module';
export { createServiceNowConnector } from './connector/ServiceNowConnector';
export { resolveSettings as resolveServiceNowSettings, DEFAULT_SETTINGS as DEFAULT_SERVICENOW_SETTINGS } from './mappings/settings';
export type { ServiceNowSettings } from './mappings/settings';
export { STANDARD_WEBHOOK_SIGNER_SCRIPT } from './script/standardWebhookSigner';
