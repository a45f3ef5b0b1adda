import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  eventually,
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
// The security suite runs the real core plugin; jest here cannot load it with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import serviceNowModule from './index';

jest.setTimeout(400_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** How long the tarpit holds each request before its 504: 1.5 to 2.5 s. */
const HOLD_MS = 1500;
const HOLD_JITTER_MS = 1000;
const CONCURRENCY = 16;
/** The default share of one integration: half the slots. */
const SHARE = CONCURRENCY / 2;
/** Rounds of (alone, beside the tarpit), alternated so the machine's load falls on both. */
const ROUNDS = 15;
const SAMPLES_PER_ROUND = 100;
const HEALTHY_TICKETS = 10;
const TARPIT_BACKLOG = 200;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
};

/** Figures for `npm run test:security` to print under the test named `fullName` (test/security/run.js). */
function reportFigures(fullName: string, text: string) {
  const dir = process.env.ITSM_SECURITY_FIGURES_DIR;
  if (!dir) return;
  appendFileSync(
    path.join(dir, 'figures.jsonl'),
    `${JSON.stringify({ file: path.basename(__filename), fullName, text })}\n`,
  );
}

/**
 * Noisy neighbours: one hub, two ServiceNow integrations. One vendor is a tarpit (a
 * simulator that holds every call for seconds, then answers 504) with a backlog of
 * changes; the other is a healthy simulator. The healthy integration's delivery latency
 * (from the accepted change to the simulator receiving it) is measured alone and beside
 * the tarpit in alternating rounds of the same run, so the machine's load weighs on both.
 */
/** The tarpit's program: holds every request, then answers 504 as a gateway that gave up. */
const TARPIT_PROGRAM = `
const http = require('node:http');
const [hold, jitter] = process.argv.slice(1).map(Number);
const state = { held: 0, mostHeld: 0 };
const server = http.createServer((req, res) => {
  state.held += 1;
  state.mostHeld = Math.max(state.mostHeld, state.held);
  process.send(state);
  res.on('close', () => { state.held -= 1; process.send(state); });
  req.resume();
  setTimeout(() => {
    res.writeHead(504, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Gateway timeout', detail: 'held' }, status: 'failure' }));
  }, hold + Math.random() * jitter);
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
`;

/**
 * A tarpit vendor: a loopback server that holds every request for seconds before a 504.
 * It runs in a process of its own, as a remote vendor would, so its own work does not
 * share the hub's event loop; it reports how many requests it holds.
 */
async function startTarpit() {
  const child = spawn(
    process.execPath,
    ['-e', TARPIT_PROGRAM, String(HOLD_MS), String(HOLD_JITTER_MS)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const state = { held: 0, mostHeld: 0 };
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on(
      'message',
      (m: { port?: number; held?: number; mostHeld?: number }) => {
        if (m.port) resolve(m.port);
        else Object.assign(state, m);
      },
    );
  });
  return {
    state,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

describe.each(databases.eachSupportedId())(
  'noisy neighbours on %s',
  databaseId => {
    let healthy: ServiceNowSimulator;
    let tarpit: Awaited<ReturnType<typeof startTarpit>>;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let api: ReturnType<typeof jsonApi>;

    beforeAll(async () => {
      healthy = await ServiceNowSimulator.start();
      tarpit = await startTarpit();
      const knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          itsmSyncPlugin,
          serviceNowModule,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              itsmSync: {
                encryption: { key: 'ab'.repeat(32) },
                dispatcher: {
                  concurrency: CONCURRENCY,
                  pollIntervalMs: 50,
                  leaseSeconds: 30,
                },
                outbound: testOutboundConfig,
              },
            },
          }),
        ],
      });
      const base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
      api = jsonApi(base);
    });

    afterAll(async () => {
      await backend?.stop();
      await tarpit?.close();
      await healthy?.stop();
    });

    /** An outbound ServiceNow integration calling `baseUrl`, with `sim`'s account. */
    const integration = async (
      name: string,
      baseUrl: string,
      sim: ServiceNowSimulator,
    ) => {
      const res = await api('POST', '/v1/integrations', {
        organization_id: 'acme-corp',
        integration_type: 'servicenow',
        name,
        base_url: baseUrl,
        credentials: {
          username: sim.credentials.username,
          password: sim.credentials.password,
        },
        sync_direction: 'outbound',
      });
      if (res.status !== 201)
        throw new Error(`integration not created: ${JSON.stringify(res.body)}`);
      return res.body as { id: string; name: string };
    };
    const incident = async (title: string, integrationName: string) => {
      const res = await api('POST', '/v1/incidents', {
        title,
        severity: 'SEV-3',
        integrations: [integrationName],
      });
      if (res.status !== 201)
        throw new Error(`incident not created: ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const setTarpit = async (id: string, enabled: boolean) => {
      const res = await api('PATCH', `/v1/integrations/${id}`, { enabled });
      if (res.status !== 200)
        throw new Error(`tarpit not switched: ${JSON.stringify(res.body)}`);
    };

    /** One change at a time to the healthy tickets; per change, ms until ServiceNow had it. */
    let sequence = 0;
    async function healthyLatencies(incidents: string[], count: number) {
      const latencies: number[] = [];
      for (let i = 0; i < count; i++) {
        const description = `${databaseId} change ${++sequence}`;
        const { calls } = healthy.server;
        const from = calls.length;
        const started = Date.now();
        const res = await api(
          'PATCH',
          `/v1/incidents/${incidents[i % incidents.length]}`,
          {
            description,
          },
        );
        if (res.status !== 200)
          throw new Error(`change refused: ${JSON.stringify(res.body)}`);
        const call = await eventually(
          async () =>
            calls
              .slice(from)
              .find(
                c =>
                  c.method === 'PATCH' &&
                  (c.body as { description?: string } | undefined)
                    ?.description === description,
              ),
          'the change to reach the healthy ServiceNow',
          10_000,
          1,
        );
        latencies.push(call.at - started);
      }
      return latencies;
    }

    it(`a tarpit vendor beside a healthy one (the healthy one's p99 within 1.2x) on ${databaseId}: the tarpit holds at most its share of the dispatcher's slots`, async () => {
      const { state } = tarpit;
      const { currentTestName } = expect.getState();
      const good = await integration(
        `healthy-${databaseId}`,
        healthy.baseUrl,
        healthy,
      );
      const slow = await integration(
        `tarpit-${databaseId}`,
        tarpit.baseUrl,
        healthy,
      );
      const tickets: string[] = [];
      for (let i = 0; i < HEALTHY_TICKETS; i++)
        tickets.push(await incident(`healthy ${i}`, good.name));
      await eventually(
        async () => healthy.store.incidents.size >= HEALTHY_TICKETS,
        'the healthy tickets to be created',
        30_000,
      );
      // The tarpit's backlog: far more rows than the dispatcher has slots.
      for (let i = 0; i < TARPIT_BACKLOG; i++)
        await incident(`tarpit ${i}`, slow.name);
      // Warm up (connections, prepared statements, the JIT) before anything is counted.
      await healthyLatencies(tickets, 20);

      const alone: number[] = [];
      const beside: number[] = [];
      // What the tarpit held, sampled every 10 ms while the healthy one was measured beside it.
      const occupancy: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await setTarpit(slow.id, false);
        // What the tarpit still held ends within its hold time.
        await eventually(
          async () => state.held === 0,
          'the tarpit to let go',
          (HOLD_MS + HOLD_JITTER_MS) * 3,
        );
        alone.push(...(await healthyLatencies(tickets, SAMPLES_PER_ROUND)));

        await setTarpit(slow.id, true);
        await eventually(
          async () => state.held >= SHARE,
          'the tarpit to take its share of the slots',
          10_000,
        );
        const sampler = setInterval(() => occupancy.push(state.held), 10);
        try {
          beside.push(...(await healthyLatencies(tickets, SAMPLES_PER_ROUND)));
        } finally {
          clearInterval(sampler);
        }
      }
      await setTarpit(slow.id, false);
      const meanHeld =
        occupancy.reduce((sum, n) => sum + n, 0) / occupancy.length;
      const backlogLeft = (
        await api('GET', `/v1/integrations/${slow.id}/sync-status`)
      ).body.outbox_pending as number;

      const p99Alone = percentile(alone, 0.99);
      const p99Beside = percentile(beside, 0.99);
      const ratio = p99Beside / p99Alone;
      reportFigures(
        String(currentTestName),
        `${databaseId}: healthy delivery p99 ${p99Alone} ms alone, ${p99Beside} ms beside the tarpit (${ratio.toFixed(2)}x; p50 ${percentile(alone, 0.5)} / ${percentile(beside, 0.5)} ms; ${alone.length} changes each); the tarpit held ${meanHeld.toFixed(1)} of ${CONCURRENCY} slots on average and ${state.mostHeld} at most, ${backlogLeft} of its rows still queued`,
      );

      // The slow vendor kept its share of the slots busy, and never more...
      expect(state.mostHeld).toBe(SHARE);
      expect(meanHeld).toBeGreaterThan(SHARE * 0.75);
      expect(backlogLeft).toBeGreaterThan(SHARE);
      // ...and the healthy one's deliveries did not notice it.
      expect(ratio).toBeLessThanOrEqual(1.2);
    });
  },
);
