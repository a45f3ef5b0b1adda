/**
 * The ITSM Sync Hub backend plugin.
 *
 * @packageDocumentation
 */
export { itsmSyncPlugin as default } from './plugin';
