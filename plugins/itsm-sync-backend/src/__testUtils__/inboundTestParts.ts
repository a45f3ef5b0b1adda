import {
  mockServices,
  type TestDatabaseId,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import {
  createTestConnector,
  testOutboundPolicy,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { SecretCipher } from '../crypto/SecretCipher';
import { storeOver } from '../store/__testUtils__/storeTestDatabases';
import type { Clock } from '../sync/Clock';
import { ConnectorRegistry } from '../sync/ConnectorRegistry';
import { InboundApplier } from '../sync/InboundApplier';
import { IntegrationService } from '../sync/IntegrationService';

/** What the inbound tests build on: a migrated store, the test connector, integrations and the applier. */
export async function inboundTestParts(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  clock: Clock,
) {
  const store = await storeOver(await databases.init(databaseId));
  const registry = new ConnectorRegistry();
  registry.add(createTestConnector());
  const logger = mockServices.logger.mock();
  const integrations = new IntegrationService({
    store,
    connectors: registry,
    cipher: new SecretCipher([Buffer.alloc(32, 7)]),
    clock,
    outbound: testOutboundPolicy(),
  });
  const applier = new InboundApplier({
    store,
    connectors: registry,
    logger,
    clock,
  });
  return { store, registry, logger, integrations, applier };
}
