import { randomUUID } from 'node:crypto';
import type { ConnectorIntegration } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  runConnectorConformanceTests,
  type ConformanceHarness,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { toServiceNowColumns } from '../mappings/fields';
import { resolveSettings } from '../mappings/settings';
import { ServiceNowConnector } from './ServiceNowConnector';

const PAGE_SIZE = 3;

async function startHarness(
  auth: 'basic' | 'oauth',
): Promise<ConformanceHarness> {
  const secret = `conformance-secret-${randomUUID()}`;
  const simulator = await ServiceNowSimulator.start({ webhook: { secret } });
  const { username, password, client_id, client_secret } =
    simulator.credentials;
  const integration: ConnectorIntegration = {
    id: randomUUID(),
    name: `servicenow-conformance-${auth}`,
    organizationId: 'acme-corp',
    baseUrl: simulator.baseUrl,
    credentials:
      auth === 'basic' ? { username, password } : { client_id, client_secret },
    webhookSecrets: [secret],
    settings: { page_size: PAGE_SIZE },
  };
  const settings = resolveSettings(integration.settings);
  return {
    integration,
    badCredentialsIntegration: {
      ...integration,
      credentials:
        auth === 'basic'
          ? { username, password: 'wrong-password' }
          : { client_id, client_secret: 'wrong' },
    },
    async vendorEdit(externalId, changes) {
      const { webhook } = await simulator.editAsPerson(
        externalId,
        toServiceNowColumns(changes, settings),
      );
      return webhook!;
    },
    vendorNotes: async externalId => simulator.workNotes(externalId),
    failNext: async (status, headers) =>
      simulator.server.failNext({ status, headers, pathPrefix: '/api/now/' }),
    pageSize: PAGE_SIZE,
    close: () => simulator.stop(),
  };
}

runConnectorConformanceTests({
  connector: new ServiceNowConnector(),
  harness: () => startHarness('basic'),
});
runConnectorConformanceTests({
  connector: new ServiceNowConnector(),
  harness: () => startHarness('oauth'),
});
