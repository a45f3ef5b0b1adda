/**
 * Shared vocabulary, request schemas, response types and permissions of the ITSM Sync Hub.
 *
 * @packageDocumentation
 */
export * from './vocabulary';
export * from './schemas';
export * from './api';
export * from './permissions';
export * from './annotations';
export * from './routing';
export * from './client';
