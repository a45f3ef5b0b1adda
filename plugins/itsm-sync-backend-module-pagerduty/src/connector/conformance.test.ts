import { runConnectorConformanceTests } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { createPagerDutyConnector } from './PagerDutyConnector';
import { startPagerDutyHarness } from './harness';

runConnectorConformanceTests({
  connector: createPagerDutyConnector(),
  harness: () => startPagerDutyHarness(),
});
