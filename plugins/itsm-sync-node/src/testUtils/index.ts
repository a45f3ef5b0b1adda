export * from './harness';
export * from './conformance';
export * from './testTicketServer';
export * from './testConnector';
export * from './testConnectorModule';
export * from './eventually';
export * from './jsonApi';
export * from './loopbackOutbound';
export * from './countingServer';
// The types the kit's signatures name, so this entry point stands on its own.
export type * from '../types';
export type { ConnectorSettingsDeclaration } from '../settingsSchema';
export type {
  HostResolver,
  OutboundPolicy,
  OutboundPolicyOptions,
  ResolvedAddress,
} from '../outbound';
