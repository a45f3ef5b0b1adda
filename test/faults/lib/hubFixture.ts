import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { dropDatabases, newDatabasePrefix } from '../../bench/harness/database';
import {
  HubProcess,
  type HubProcessOptions,
} from '../../bench/harness/hubProcess';
import { freePort } from './ports';

const ENCRYPTION_KEY = randomBytes(32).toString('hex');
const TOKEN = `faults-${randomBytes(12).toString('hex')}`;

/** Settings every fault scenario uses: short leases and a short retry schedule, so runs stay fast. */
export const FAST_SYNC = {
  dispatcher: { pollIntervalMs: 100, leaseSeconds: 3, concurrency: 16 },
  retry: { delaysSeconds: [0.2, 0.4, 0.8, 1.6] },
};

/** Hubs on one fresh Postgres database of their own; `cleanup` stops them and drops it. */
export async function startHubs(
  count: number,
  extra: Partial<HubProcessOptions> = {},
) {
  const prefix = newDatabasePrefix('faults');
  const hubs: HubProcess[] = [];
  for (let i = 0; i < count; i++) {
    hubs.push(
      new HubProcess({
        port: await freePort(),
        database: { prefix },
        token: TOKEN,
        encryptionKey: ENCRYPTION_KEY,
        itsmSync: FAST_SYNC,
        ...extra,
      }),
    );
  }
  // The first one migrates alone; the others then start side by side.
  await hubs[0].start();
  await Promise.all(hubs.slice(1).map(h => h.start()));
  return {
    prefix,
    hubs,
    async cleanup() {
      await Promise.all(hubs.map(h => h.stop().catch(() => undefined)));
      await dropDatabases(prefix);
    },
  };
}

/** A ServiceNow integration (outbound, basic auth) against the simulator. */
export async function createServiceNowIntegration(
  hub: HubProcess,
  sim: ServiceNowSimulator,
  name: string,
) {
  const res = await hub.call('POST', '/v1/integrations', {
    organization_id: 'acme-corp',
    integration_type: 'servicenow',
    name,
    base_url: sim.baseUrl,
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
    },
    sync_direction: 'outbound',
    enabled: true,
  });
  if (res.status !== 201)
    throw new Error(
      `create integration: ${res.status} ${JSON.stringify(res.body)}`,
    );
  return res.body as { id: string; name: string };
}

/**
 * The usual scenario: the ServiceNow simulator, one hub, and a ServiceNow integration
 * between them; all stopped (and the database dropped) after the running test.
 */
export async function startServiceNowScenario(name: string) {
  const sim = await ServiceNowSimulator.start();
  const { hubs, cleanup } = await startHubs(1);
  after(async () => {
    await cleanup();
    await sim.stop();
  });
  const [hub] = hubs;
  return {
    sim,
    hub,
    integration: await createServiceNowIntegration(hub, sim, name),
  };
}

/** Prints a scenario's counts so CI logs show what was measured, not only pass/fail. */
export function report(scenario: string, counts: Record<string, unknown>) {
  console.log(
    `[faults] ${scenario}: ${Object.entries(counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}
