/**
 * The `im` command line of the ITSM Sync Hub.
 *
 * @packageDocumentation
 */
export { run } from './run';
