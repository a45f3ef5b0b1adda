import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type {
  BackendFeature,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  eventually as pollUntil,
  TestTicketServer,
  testConnectorModule,
  testOutboundConfig,
  type EventualCheck,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { itsmSyncPlugin } from '../plugin';

jest.setTimeout(60_000);

const BASE = '/api/itsm-sync';
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

type CapturedTask = SchedulerServiceTaskScheduleDefinition & {
  id: string;
  fn: () => Promise<void>;
};

/** One backend instance of the core plugin over the given database, its scheduled tasks captured. */
async function startHub(knex: Knex) {
  const tasks: CapturedTask[] = [];
  const features: BackendFeature[] = [
    itsmSyncPlugin,
    testConnectorModule,
    mockServices.rootConfig.factory({
      data: {
        itsmSync: {
          encryption: { key: '0f'.repeat(32) },
          dispatcher: { pollIntervalMs: 50 },
          outbound: testOutboundConfig,
        },
      },
    }),
    mockServices.database.factory({ knex }),
    mockServices.scheduler.mock({
      async scheduleTask(task) {
        tasks.push(task as CapturedTask);
      },
    }).factory,
  ];
  const backend = await startTestBackend({ features });
  return { backend, api: request(backend.server), tasks };
}

const eventually = <T>(
  check: EventualCheck<T>,
  what: string,
  timeoutMs = 8000,
) => pollUntil(check, what, timeoutMs);

async function createIntegration(
  api: request.Agent | ReturnType<typeof request>,
  vendor: TestTicketServer,
  name: string,
) {
  const res = await api.post(`${BASE}/v1/integrations`).send({
    organization_id: 'acme-corp',
    integration_type: 'test',
    name,
    base_url: vendor.baseUrl,
    credentials: { token: vendor.token },
    webhook_secrets: ['whsec-test-secret-1'],
  });
  if (res.status !== 201)
    throw new Error(
      `create integration: ${res.status} ${JSON.stringify(res.body)}`,
    );
  return res.body as { id: string; name: string };
}

async function linkedIncident(
  api: ReturnType<typeof request>,
  integration: string,
  title: string,
) {
  const created = await api.post(`${BASE}/v1/incidents`).send({
    title,
    severity: 'SEV-2',
    assigned_to: 'alice',
    integrations: [integration],
  });
  expect(created.status).toBe(201);
  const incident = await eventually(async () => {
    const res = await api.get(`${BASE}/v1/incidents/${created.body.id}`);
    return res.body.links[0]?.external_id ? res.body : undefined;
  }, 'the ticket to be created');
  return {
    id: incident.id as string,
    ticketId: incident.links[0].external_id as string,
  };
}

/** A person edits the ticket at the vendor and the webhook never arrives. */
function editWithoutWebhook(
  vendor: TestTicketServer,
  ticketId: string,
  changes: Record<string, unknown>,
) {
  Object.assign(vendor.tickets.get(ticketId)!, changes, {
    updated_at: new Date().toISOString(),
  });
}

const byKey = (d: any) =>
  `${d.kind}|${d.incident_id ?? ''}|${d.external_id ?? ''}|${d.field ?? ''}`;
const sorted = (items: any[]) =>
  [...items].sort((a, b) => byKey(a).localeCompare(byKey(b)));

describe('drift reconcile over REST (SQLITE_3)', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let vendor: TestTicketServer;

  beforeAll(async () => {
    vendor = await TestTicketServer.start();
    hub = await startHub(await databases.init('SQLITE_3'));
  });
  afterAll(async () => {
    await hub?.backend.stop();
    await vendor?.close();
  });

  it('reports drift of each kind exactly, heals it in the owner direction, and a second dry-run is clean', async () => {
    const integration = await createIntegration(hub.api, vendor, 'drift-snow');
    const renamed = await linkedIncident(
      hub.api,
      integration.name,
      'Checkout latency',
    );
    const reassigned = await linkedIncident(
      hub.api,
      integration.name,
      'Payments 500s',
    );
    const deleted = await linkedIncident(
      hub.api,
      integration.name,
      'Search down',
    );
    const untouched = await linkedIncident(
      hub.api,
      integration.name,
      'Login slow',
    );

    // Platform owns title; the vendor owns assigned_to; status has no owner.
    editWithoutWebhook(vendor, renamed.ticketId, {
      title: 'Edited at the vendor',
    });
    editWithoutWebhook(vendor, reassigned.ticketId, {
      assigned_to: 'bob',
      status: 'resolved',
    });
    vendor.tickets.delete(deleted.ticketId);
    vendor.tickets.set('stray1', {
      id: 'stray1',
      title: 'Made by hand',
      description: '',
      severity: 'SEV-4',
      status: 'open',
      assigned_to: null,
      escalation_policy: null,
      dedup_key: null,
      notes: [],
      updated_at: new Date().toISOString(),
    });
    const writesBefore = vendor.writes.length;

    const dry = await hub.api
      .post(`${BASE}/v1/integrations/${integration.name}/reconcile`)
      .send({ dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.headers['content-type']).toMatch(/application\/json/);
    const {
      discrepancies,
      started_at,
      finished_at,
      duration_ms,
      id,
      ...counts
    } = dry.body;
    expect(counts).toEqual({
      integration_id: integration.id,
      dry_run: true,
      auto_heal: false,
      trigger: 'manual',
      status: 'succeeded',
      checked: 4,
      discrepancies_found: 5,
      healed: 0,
      error: null,
    });
    expect(typeof id).toBe('string');
    expect(Date.parse(finished_at) - Date.parse(started_at)).toBe(duration_ms);
    expect(sorted(discrepancies)).toEqual(
      sorted([
        {
          kind: 'field_mismatch',
          incident_id: renamed.id,
          external_id: renamed.ticketId,
          field: 'title',
          platform_value: 'Checkout latency',
          external_value: 'Edited at the vendor',
          owner: 'platform',
          action: 'push_platform',
        },
        {
          kind: 'field_mismatch',
          incident_id: reassigned.id,
          external_id: reassigned.ticketId,
          field: 'assigned_to',
          platform_value: 'alice',
          external_value: 'bob',
          owner: 'external',
          action: 'pull_external',
        },
        {
          kind: 'field_mismatch',
          incident_id: reassigned.id,
          external_id: reassigned.ticketId,
          field: 'status',
          platform_value: 'open',
          external_value: 'resolved',
          owner: null,
          action: 'pull_external',
        },
        {
          kind: 'missing_ticket',
          incident_id: deleted.id,
          external_id: deleted.ticketId,
          field: null,
          platform_value: null,
          external_value: null,
          owner: null,
          action: 'push_platform',
        },
        {
          kind: 'unlinked_ticket',
          incident_id: null,
          external_id: 'stray1',
          field: null,
          platform_value: null,
          external_value: {
            title: 'Made by hand',
            description: '',
            severity: 'SEV-4',
            status: 'open',
            assigned_to: null,
            escalation_policy: null,
          },
          owner: null,
          action: 'none',
        },
      ]),
    );
    // A dry run changes nothing on either side.
    expect(vendor.writes.length).toBe(writesBefore);
    expect(
      (await hub.api.get(`${BASE}/v1/incidents/${reassigned.id}`)).body,
    ).toMatchObject({ assigned_to: 'alice', status: 'open' });
    const status = await hub.api.get(
      `${BASE}/v1/integrations/${integration.id}/sync-status`,
    );
    expect(status.body.metrics.drift_discrepancies).toBe(5);

    const healed = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile`)
      .send({ auto_heal: true });
    expect(healed.body).toMatchObject({
      dry_run: false,
      auto_heal: true,
      status: 'succeeded',
      discrepancies_found: 4,
      healed: 4,
    });

    // Platform-owned title went out through the outbox; the vendor's values came in.
    await eventually(
      () => vendor.tickets.get(renamed.ticketId)!.title === 'Checkout latency',
      'the title pushed to the ticket',
    );
    const pulled = (await hub.api.get(`${BASE}/v1/incidents/${reassigned.id}`))
      .body;
    expect(pulled).toMatchObject({ assigned_to: 'bob', status: 'resolved' });
    const recreated = await eventually(async () => {
      const res = await hub.api.get(`${BASE}/v1/incidents/${deleted.id}`);
      const ticketId = res.body.links[0]?.external_id;
      return ticketId && ticketId !== deleted.ticketId
        ? (ticketId as string)
        : undefined;
    }, 'the missing ticket to be created again');
    expect(vendor.tickets.get(recreated)).toMatchObject({
      title: 'Search down',
      severity: 'SEV-2',
    });
    // Pulled values are not echoed back to the ticket they came from.
    expect(
      vendor.writes
        .filter(w => w.ticketId === reassigned.ticketId)
        .map(w => w.method),
    ).toEqual(['create']);
    expect(
      vendor.writes.filter(w => w.ticketId === untouched.ticketId),
    ).toHaveLength(1);

    const again = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile`)
      .send({});
    expect(again.body).toMatchObject({
      status: 'succeeded',
      dry_run: true,
      checked: 4,
      discrepancies_found: 0,
      discrepancies: [],
    });

    const history = await hub.api.get(
      `${BASE}/v1/integrations/${integration.name}/reconcile/history`,
    );
    expect(
      history.body.items.map((r: any) => [
        r.id,
        r.discrepancies_found,
        r.healed,
      ]),
    ).toEqual([
      [again.body.id, 0, 0],
      [healed.body.id, 4, 4],
      [dry.body.id, 5, 0],
    ]);
    expect(
      history.body.items.every((r: any) => typeof r.duration_ms === 'number'),
    ).toBe(true);
    const one = await hub.api.get(
      `${BASE}/v1/integrations/${integration.id}/reconcile/runs/${dry.body.id}`,
    );
    expect(one.body).toEqual(dry.body);
  });

  it('streams progress as NDJSON lines and ends with the run', async () => {
    const integration = await createIntegration(
      hub.api,
      vendor,
      'drift-stream',
    );
    await linkedIncident(hub.api, integration.name, 'One');
    await linkedIncident(hub.api, integration.name, 'Two');
    const res = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile`)
      .set('accept', 'application/x-ndjson')
      .send({ dry_run: true })
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (text += chunk));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = (res.body as string)
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThan(0);
    expect(
      progress.every(
        p => p.type === 'progress' && p.total === 2 && p.checked <= 2,
      ),
    ).toBe(true);
    expect(progress[progress.length - 1].checked).toBe(2);
    expect(lines[lines.length - 1].run.discrepancies).toEqual([]);
    expect(lines[lines.length - 1]).toMatchObject({
      type: 'result',
      run: { status: 'succeeded', checked: 2, discrepancies_found: 0 },
    });

    const viaQuery = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile?stream=true`)
      .send({});
    expect(viaQuery.headers['content-type']).toMatch(/application\/x-ndjson/);
  });

  it('refuses bad input with a reason, and stores a schedule', async () => {
    const integration = await createIntegration(
      hub.api,
      vendor,
      'drift-schedule',
    );
    const both = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile`)
      .send({ dry_run: true, auto_heal: true });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(
      /auto_heal: dry_run and auto_heal cannot both be true/,
    );
    const unknown = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile`)
      .send({ heal: true });
    expect(unknown.status).toBe(400);
    expect(
      (await hub.api.post(`${BASE}/v1/integrations/nope/reconcile`).send({}))
        .status,
    ).toBe(404);
    expect(
      (
        await hub.api.get(
          `${BASE}/v1/integrations/${integration.id}/reconcile/history`,
        )
      ).body.items,
    ).toEqual([]);

    const tooShort = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile/schedule`)
      .send({ interval: '5s' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.message).toMatch(
      /interval: must be at least one minute/,
    );
    expect(
      (
        await hub.api.get(
          `${BASE}/v1/integrations/${integration.id}/reconcile/schedule`,
        )
      ).status,
    ).toBe(404);

    const before = Date.now();
    const put = await hub.api
      .post(`${BASE}/v1/integrations/${integration.id}/reconcile/schedule`)
      .send({ interval: '1h', auto_heal: true, enabled: true });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      integration_id: integration.id,
      interval_seconds: 3600,
      auto_heal: true,
      enabled: true,
      last_run_at: null,
    });
    expect(Date.parse(put.body.next_run_at)).toBeGreaterThanOrEqual(
      before + 3600_000 - 1000,
    );
    const read = await hub.api.get(
      `${BASE}/v1/integrations/${integration.name}/reconcile/schedule`,
    );
    expect(read.body).toEqual(put.body);
    expect(hub.tasks.map(t => t.id)).toContain('itsm-sync-reconcile-schedules');
  });
});

const postgresOnly = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgresOnly)(
  'scheduled reconcile with two backend instances on %s',
  databaseId => {
    let vendor: TestTicketServer;
    let knexA: Knex;
    let knexB: Knex;
    let a: Awaited<ReturnType<typeof startHub>>;
    let b: Awaited<ReturnType<typeof startHub>>;

    beforeAll(async () => {
      vendor = await TestTicketServer.start();
      knexA = await databases.init(databaseId);
      // A second connection pool to the same database, as a second replica would have.
      knexB = knexFactory(knexA.client.config);
      a = await startHub(knexA);
      b = await startHub(knexB);
    });
    afterAll(async () => {
      await a?.backend.stop();
      await b?.backend.stop();
      await knexB?.destroy();
      await vendor?.close();
    });

    it('runs a due schedule once per interval, whichever replica ticks', async () => {
      const integration = await createIntegration(a.api, vendor, 'scheduled');
      const incident = await linkedIncident(
        a.api,
        integration.id,
        'Queue backlog',
      );
      const put = await b.api
        .post(`${BASE}/v1/integrations/${integration.id}/reconcile/schedule`)
        .send({ interval: '1h', auto_heal: true, enabled: true });
      expect(put.status).toBe(200);
      editWithoutWebhook(vendor, incident.ticketId, {
        title: 'Renamed at the vendor',
      });

      const tickA = a.tasks.find(
        t => t.id === 'itsm-sync-reconcile-schedules',
      )!;
      const tickB = b.tasks.find(
        t => t.id === 'itsm-sync-reconcile-schedules',
      )!;
      const scheduledRuns = async () =>
        (
          await a.api.get(
            `${BASE}/v1/integrations/${integration.id}/reconcile/history`,
          )
        ).body.items.filter((r: any) => r.trigger === 'schedule');
      /** An hour passes: the stored due time moves into the past. */
      const anHourPasses = () =>
        knexA('reconcile_schedules')
          .where({ integration_id: integration.id })
          .update({ next_run_at: Date.now() - 1 });

      // Not due yet: both replicas tick, nothing runs.
      await Promise.all([tickA.fn(), tickB.fn()]);
      expect(await scheduledRuns()).toEqual([]);

      await anHourPasses();
      await Promise.all([tickA.fn(), tickB.fn(), tickA.fn(), tickB.fn()]);
      const first = await scheduledRuns();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        auto_heal: true,
        dry_run: false,
        status: 'succeeded',
        discrepancies_found: 1,
        healed: 1,
      });
      await eventually(
        () => vendor.tickets.get(incident.ticketId)!.title === 'Queue backlog',
        'the scheduled heal delivered',
      );
      const schedule = (
        await a.api.get(
          `${BASE}/v1/integrations/${integration.id}/reconcile/schedule`,
        )
      ).body;
      expect(
        Date.parse(schedule.next_run_at) - Date.parse(schedule.last_run_at),
      ).toBe(3600_000);

      // Still inside the interval: no second run.
      await Promise.all([tickA.fn(), tickB.fn()]);
      expect(await scheduledRuns()).toHaveLength(1);

      await anHourPasses();
      await Promise.all([tickB.fn(), tickA.fn()]);
      const second = await scheduledRuns();
      expect(second).toHaveLength(2);
      expect(second[0]).toMatchObject({
        status: 'succeeded',
        discrepancies_found: 0,
        healed: 0,
      });
    });
  },
);
