/**
 * The generic templated ITSM webhook connector for itsm-sync (docs/connectors/webhook.md).
 *
 * @packageDocumentation
 */
export { itsmSyncModuleWebhook as default } from './module';
export {
  WebhookConnector,
  ITSM_WEBHOOK_TYPE,
} from './connector/WebhookConnector';
