/**
 * The connector contract of the ITSM Sync Hub: the extension point, the `ItsmConnector`
 * interface and helpers for connector authors. The conformance kit lives at
 * `@itsm-sync-hub/plugin-itsm-sync-node/testUtils`.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './errors';
export * from './http';
export * from './outbound';
export { vendorExcerpt } from './vendorExcerpt';
export * from './signatures';
export * from './standardWebhooks';
export * from './extensionPoint';
export * from './syncEvents';
export * from './webhookEvents';
export * from './notes';
export * from './settingsSchema';
