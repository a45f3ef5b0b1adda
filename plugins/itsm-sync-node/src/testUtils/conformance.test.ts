import { randomUUID } from 'node:crypto';
import { runConnectorConformanceTests } from './conformance';
import { createTestConnector } from './testConnector';
import { TestTicketServer } from './testTicketServer';

// The kit proves itself against the in-repo test connector and server.
runConnectorConformanceTests({
  connector: createTestConnector(),
  harness: async () => {
    const server = await TestTicketServer.start();
    const secret = 'test-webhook-secret-1';
    const integration = {
      id: randomUUID(),
      name: 'conformance',
      organizationId: 'acme',
      baseUrl: server.baseUrl,
      credentials: { token: server.token },
      webhookSecrets: [secret],
      settings: {},
    };
    return {
      integration,
      badCredentialsIntegration: {
        ...integration,
        credentials: { token: 'wrong' },
      },
      vendorEdit: async (id, changes) => server.vendorEdit(id, changes, secret),
      vendorNotes: async id => server.tickets.get(id)?.notes ?? [],
      failNext: async (status, headers) => server.failNext({ status, headers }),
      pageSize: server.pageSize,
      close: () => server.close(),
    };
  },
});
