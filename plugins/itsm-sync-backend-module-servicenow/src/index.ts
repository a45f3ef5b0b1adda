/**
 * The ServiceNow connector module of the ITSM Sync Hub.
 *
 * @packageDocumentation
 */
export { itsmSyncModuleServiceNow as default } from './module';
export { ServiceNowConnector } from './connector/ServiceNowConnector';
export type { ImpactUrgency, ServiceNowSettings } from './mappings/settings';
export { STANDARD_WEBHOOK_SIGNER_SCRIPT } from './script/standardWebhookSigner';
