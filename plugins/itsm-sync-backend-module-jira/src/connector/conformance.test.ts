import { runConnectorConformanceTests } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { startJiraHarness } from '../__testUtils__/harness';
import { JiraConnector } from './JiraConnector';

// Admin webhooks (HMAC over the body): the kit's tampered-body check needs a body signature.
runConnectorConformanceTests({
  connector: new JiraConnector(),
  harness: () => startJiraHarness('hmac'),
});
