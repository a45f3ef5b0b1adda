import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  JiraSimulator,
  PagerDutySimulator,
  ServiceNowSimulator,
  StateFile,
} from '@itsm-sync-hub/simulators';

/** Loopback ports of the demo's vendor simulators. */
const DEMO_PORTS = {
  servicenow: 7101,
  jira: 7102,
  pagerduty: 7103,
} as const;

/**
 * The three simulators the demo runs, each with a fresh webhook signing secret. With a
 * `stateDirectory` their tickets are kept there, so they survive a restart as the hub's
 * database does and the hub's links keep pointing at tickets that exist.
 */
export async function startDemoSimulators(
  options: { stateDirectory?: string } = {},
) {
  const secrets = {
    servicenow: randomBytes(24).toString('base64url'),
    jira: randomBytes(24).toString('base64url'),
    pagerduty: randomBytes(24).toString('base64url'),
  };
  const servicenow = await ServiceNowSimulator.start({
    port: DEMO_PORTS.servicenow,
    // The payments system's assignment group (examples/entities.yaml), so routed tickets show it.
    groups: ['payments-ops'],
  });
  const jira = await JiraSimulator.start({ port: DEMO_PORTS.jira });
  const pagerduty = await PagerDutySimulator.start({
    port: DEMO_PORTS.pagerduty,
  });
  const dir = options.stateDirectory;
  const stateFiles = dir
    ? [
        StateFile.open(path.join(dir, 'servicenow.json'), servicenow.store),
        StateFile.open(path.join(dir, 'jira.json'), jira.store),
        StateFile.open(path.join(dir, 'pagerduty.json'), pagerduty.state),
      ]
    : [];
  return {
    servicenow,
    jira,
    pagerduty,
    secrets,
    async stop() {
      for (const file of stateFiles) file.close();
      await Promise.allSettled([
        servicenow.stop(),
        jira.stop(),
        pagerduty.stop(),
      ]);
    },
  };
}

export type DemoSimulators = Awaited<ReturnType<typeof startDemoSimulators>>;
