export * from './harness';
export * from './conformance';
export * from './testTicketServer';
export * from './testConnector';
export * from './testConnectorModule';
export * from './eventually';
export * from './jsonApi';
