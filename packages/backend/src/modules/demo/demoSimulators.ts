import { randomBytes } from 'node:crypto';
import { JiraSimulator, PagerDutySimulator, ServiceNowSimulator } from '@itsm-sync-hub/simulators';

/** Loopback ports of the demo's vendor simulators. */
export const DEMO_PORTS = { servicenow: 7101, jira: 7102, pagerduty: 7103 } as const;

/** The three simulators the demo runs, each with a fresh webhook signing secret. */
export async function startDemoSimulators() {
  const secrets = {
    servicenow: randomBytes(24).toString('base64url'),
    jira: randomBytes(24).toString('base64url'),
    pagerduty: randomBytes(24).toString('base64url'),
  };
  const servicenow = await ServiceNowSimulator.start({ port: DEMO_PORTS.servicenow });
  const jira = await JiraSimulator.start({ port: DEMO_PORTS.jira });
  const pagerduty = await PagerDutySimulator.start({ port: DEMO_PORTS.pagerduty });
  return {
    servicenow,
    jira,
    pagerduty,
    secrets,
    async stop() {
      await Promise.allSettled([servicenow.stop(), jira.stop(), pagerduty.stop()]);
    },
  };
}

export type DemoSimulators = Awaited<ReturnType<typeof startDemoSimulators>>;
