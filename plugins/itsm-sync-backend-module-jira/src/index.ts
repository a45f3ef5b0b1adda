/**
 * The Jira Service Management connector module of the itsm-sync backend plugin.
 *
 * @packageDocumentation
 */
export { itsmSyncModuleJira as default } from './module';
export { JiraConnector } from './connector';
