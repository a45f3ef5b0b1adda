import { runConnectorConformanceTests } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { createPagerDutyConnector } from './PagerDutyConnector';
import { startPagerDutyHarness } from '../__testUtils__/harness';

runConnectorConformanceTests({
  connector: createPagerDutyConnector(),
  harness: () => startPagerDutyHarness(),
});
