/**
 * The PagerDuty connector module of the ITSM Sync Hub: REST API v2 outbound,
 * Webhooks v3 inbound.
 *
 * @packageDocumentation
 */
export { itsmSyncModulePagerDuty as default } from './module';
export { PagerDutyConnector } from './connector/PagerDutyConnector';
export type { PagerDutySettings, ServiceMapping } from './connector/settings';
