import { runConnectorConformanceTests } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { PagerDutyConnector } from './PagerDutyConnector';
import { startPagerDutyHarness } from '../__testUtils__/harness';

runConnectorConformanceTests({
  connector: new PagerDutyConnector(),
  harness: () => startPagerDutyHarness(),
});
