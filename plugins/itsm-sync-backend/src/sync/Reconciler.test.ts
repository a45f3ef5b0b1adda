import { integrationRequest } from '../__testUtils__/integrationRequest';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ItsmConnector } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  createTestConnector,
  TestTicketServer,
  testOutboundPolicy,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { SecretCipher } from '../crypto/SecretCipher';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';
import { ConnectorRegistry } from './ConnectorRegistry';
import { IntegrationService } from './IntegrationService';
import { Reconciler, type ReconcileProgress } from './Reconciler';
import {
  ABANDONED_RUN_AFTER_MS,
  ReconcileScheduler,
} from './ReconcileScheduler';
import { ABANDONED_RUN_ERROR } from '../store/ReconcileRepository';
import { knexOf, storeOver } from '../store/__testUtils__/storeTestDatabases';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const logger = mockServices.logger.mock();

/** A clock that only moves when the reconciler sleeps, so pacing is exact. */
function steppingClock(start: number) {
  let now = start;
  const clock: Clock = { now: () => now };
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
    now += ms;
  };
  return { clock, sleep, slept };
}

/** The test connector, with every vendor call counted (and the time it was made). */
function counting(
  base: ItsmConnector,
  clock: Clock,
  overrides: Partial<ItsmConnector> = {},
) {
  const calls: Array<{ op: string; at: number; ids?: string[] }> = [];
  const connector: ItsmConnector = {
    ...base,
    async listChangedSince(ctx, since, cursor) {
      calls.push({ op: 'list', at: clock.now() });
      return base.listChangedSince!(ctx, since, cursor);
    },
    async fetchTicket(ctx, id) {
      calls.push({ op: 'fetch', at: clock.now(), ids: [id] });
      return base.fetchTicket(ctx, id);
    },
    ...overrides,
  };
  return { connector, calls };
}

describe('Reconciler', () => {
  let vendor: TestTicketServer;
  let store: SyncStore;
  let seq = 0;

  beforeAll(async () => {
    vendor = await TestTicketServer.start();
    const knex = await databases.init('SQLITE_3');
    store = await storeOver(knex);
  });
  afterAll(async () => {
    await vendor?.close();
  });

  /** An integration over `connector`, with `count` incidents linked to matching tickets. */
  async function setUp(
    connector: ItsmConnector,
    count: number,
    clock: Clock,
    rateLimit: number | null = null,
  ) {
    const registry = new ConnectorRegistry();
    registry.add(connector);
    const integrations = new IntegrationService({
      store,
      connectors: registry,
      cipher: new SecretCipher([Buffer.alloc(32, 7)]),
      clock,
      outbound: testOutboundPolicy(),
    });
    const integration = await integrations.create(
      integrationRequest({
        name: `reconcile-${++seq}`,
        integration_type: connector.type,
        base_url: vendor.baseUrl,
        credentials: { token: vendor.token },
        webhook_secrets: ['whsec-test-secret-1'],
        rate_limit: rateLimit,
      }),
    );
    vendor.tickets.clear();
    const ticketIds: string[] = [];
    for (let n = 0; n < count; n++) {
      const id = `t${seq}x${n}`;
      const fields = {
        title: `Incident ${n}`,
        description: '',
        severity: 'SEV-3' as const,
        status: 'open' as const,
        assigned_to: null,
        escalation_policy: null,
      };
      vendor.tickets.set(id, {
        id,
        ...fields,
        dedup_key: null,
        notes: [],
        updated_at: new Date(clock.now()).toISOString(),
      });
      await store.incidents.create(
        { ...fields, entity_ref: null },
        {
          now: clock.now(),
          source: 'platform',
          linkTo: [],
          plan: () => [],
          external: { integrationId: integration.id, id, written: fields },
        },
      );
      ticketIds.push(id);
    }
    return { integration, integrations, registry, ticketIds };
  }

  it('compares every linked ticket through the listing: one request per page, none per incident', async () => {
    const { clock, sleep } = steppingClock(Date.now());
    const { connector, calls } = counting(
      createTestConnector('listing'),
      clock,
    );
    const { integration, integrations, registry } = await setUp(
      connector,
      10,
      clock,
    );
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      pageSize: 4,
      sleep,
    });
    const progress: ReconcileProgress[] = [];

    const run = await reconciler.run(integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
      onProgress: p => progress.push(p),
    });

    expect(run).toMatchObject({
      status: 'succeeded',
      checked: 10,
      discrepancies_found: 0,
      discrepancies: [],
    });
    // The vendor pages by 3: 10 tickets are 4 listing calls and not a single per-ticket fetch.
    expect(calls.map(c => c.op)).toEqual(['list', 'list', 'list', 'list']);
    expect(progress.every(p => p.total === 10)).toBe(true);
    expect(progress.map(p => p.checked)).toEqual(
      [...progress.map(p => p.checked)].sort((a, b) => a - b),
    );
    expect(progress[progress.length - 1].checked).toBe(10);
  });

  it('stops a listing that does not end: after its page cap, or at a cursor handed out again', async () => {
    const { clock, sleep } = steppingClock(Date.now());
    const long = counting(createTestConnector('long-listing'), clock);
    const first = await setUp(long.connector, 10, clock);
    // The vendor pages by 3: 10 tickets take 4 pages, one more than allowed.
    const capped = await new Reconciler({
      store,
      connectors: first.registry,
      integrations: first.integrations,
      logger,
      clock,
      maxListingPages: 3,
      sleep,
    }).run(first.integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
    });
    expect(capped).toMatchObject({
      status: 'failed',
      error:
        "The vendor's listing of changed tickets did not end after 3 pages; reconcile stopped",
    });
    expect(long.calls.filter(c => c.op === 'list')).toHaveLength(3);

    const base = createTestConnector('looping-listing');
    const looping = counting(base, clock, {
      async listChangedSince(ctx, since) {
        const page = await base.listChangedSince!(ctx, since);
        return { ...page, nextCursor: 'the-same-cursor' };
      },
    });
    const second = await setUp(looping.connector, 4, clock);
    const looped = await new Reconciler({
      store,
      connectors: second.registry,
      integrations: second.integrations,
      logger,
      clock,
      sleep,
    }).run(second.integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
    });
    expect(looped).toMatchObject({
      status: 'failed',
      error:
        "The vendor's listing of changed tickets handed out the same page cursor twice; reconcile stopped",
    });
  });

  it('fetches in batches when the vendor cannot list, reading links a page at a time', async () => {
    const { clock, sleep } = steppingClock(Date.now());
    const base = createTestConnector('batched');
    const batches: string[][] = [];
    const { connector, calls } = counting(base, clock, {
      listChangedSince: undefined,
      async fetchTickets(ctx, ids) {
        batches.push(ids);
        const found = await Promise.all(
          ids.map(id => base.fetchTicket(ctx, id)),
        );
        return found.filter(t => t !== undefined);
      },
    });
    const { integration, integrations, registry, ticketIds } = await setUp(
      connector,
      10,
      clock,
    );
    vendor.tickets.delete(ticketIds[7]);
    Object.assign(vendor.tickets.get(ticketIds[2])!, { severity: 'SEV-1' });
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      pageSize: 5,
      fetchBatchSize: 3,
      sleep,
    });

    const run = await reconciler.run(integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
    });

    expect(run).toMatchObject({
      status: 'succeeded',
      checked: 10,
      discrepancies_found: 2,
    });
    expect(
      run.discrepancies
        .map(d => [d.kind, d.external_id, d.field, d.action])
        .sort(),
    ).toEqual(
      [
        ['field_mismatch', ticketIds[2], 'severity', 'push_platform'],
        ['missing_ticket', ticketIds[7], null, 'push_platform'],
      ].sort(),
    );
    // Two pages of 5 links, each asked for in batches of at most 3; never a single fetch.
    expect(batches.map(b => b.length)).toEqual([3, 2, 3, 2]);
    expect(calls.filter(c => c.op === 'fetch')).toEqual([]);
  });

  it('neither reports nor recreates a ticket the vendor deleted, whose link is gone', async () => {
    const { clock, sleep } = steppingClock(Date.now());
    const { connector } = counting(createTestConnector('deleted'), clock);
    const { integration, integrations, registry, ticketIds } = await setUp(
      connector,
      3,
      clock,
    );
    vendor.tickets.delete(ticketIds[1]);
    vendor.tickets.delete(ticketIds[2]);
    await knexOf(store)('links')
      .where({ integration_id: integration.id, external_id: ticketIds[1] })
      .update({ sync_state: 'gone' });
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      sleep,
    });

    const run = await reconciler.run(integration, {
      dryRun: false,
      autoHeal: true,
      trigger: 'manual',
    });

    expect(run.discrepancies.map(d => [d.kind, d.external_id])).toEqual([
      ['missing_ticket', ticketIds[2]],
    ]);
    const gone = await knexOf(store)('links')
      .where({ integration_id: integration.id, external_id: ticketIds[1] })
      .first();
    expect(gone.sync_state).toBe('gone');
    expect(
      await knexOf(store)('outbox').where({
        integration_id: integration.id,
        incident_id: gone.incident_id,
      }),
    ).toEqual([]);
  });

  it("spaces vendor calls inside the integration's rate limit", async () => {
    const { clock, sleep } = steppingClock(1_800_000_000_000);
    const { connector, calls } = counting(createTestConnector('paced'), clock);
    // 600 calls a minute: one every 100 ms.
    const { integration, integrations, registry } = await setUp(
      connector,
      9,
      clock,
      600,
    );
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      sleep,
    });

    const run = await reconciler.run(integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
    });

    expect(run.status).toBe('succeeded');
    const times = calls.map(c => c.at - calls[0].at);
    expect(times).toEqual([0, 100, 200]);
  });

  it("waits for the vendor's rate-limit reset, shared through the database, and carries on", async () => {
    const { clock, sleep, slept } = steppingClock(Date.now());
    const { connector, calls } = counting(
      createTestConnector('limited'),
      clock,
    );
    const { integration, integrations, registry } = await setUp(
      connector,
      2,
      clock,
    );
    vendor.failNext({ status: 429, headers: { 'retry-after': '30' } });
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      sleep,
    });

    const run = await reconciler.run(integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
    });

    expect(run).toMatchObject({
      status: 'succeeded',
      checked: 2,
      discrepancies_found: 0,
    });
    expect(calls.map(c => c.op)).toEqual(['list', 'list']);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(29_000);
    expect(
      (await store.integrations.get(integration.id))!.not_before,
    ).toBeGreaterThan(Date.now() + 20_000);
  });

  it('notes that it is alive while it runs, so a sweep leaves it alone', async () => {
    const clock: Clock = { now: () => Date.now() };
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    let listed!: () => void;
    const listing = new Promise<void>(resolve => {
      listed = resolve;
    });
    const base = createTestConnector('slow-listing');
    const connector: ItsmConnector = {
      ...base,
      async listChangedSince(ctx, since, cursor) {
        listed();
        await gate;
        return base.listChangedSince!(ctx, since, cursor);
      },
    };
    const { integration, integrations, registry } = await setUp(
      connector,
      3,
      clock,
    );
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      heartbeatMs: 20,
    });

    const running = reconciler.run(integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'manual',
    });
    await listing;
    const [started] = await store.reconcile.history(integration.id, 1);
    await new Promise(r => setTimeout(r, 200));
    // Heartbeats came after its start, so it is not taken for abandoned.
    expect(
      await store.reconcile.failAbandonedRuns(
        started.started_at + 50,
        Date.now(),
      ),
    ).toBe(0);
    release();
    expect(await running).toMatchObject({
      id: started.id,
      status: 'succeeded',
      checked: 3,
    });
  });

  it('has the scheduler close a run its hub left running', async () => {
    const { clock } = steppingClock(Date.now());
    const { integration, integrations, registry } = await setUp(
      createTestConnector('crashed'),
      1,
      clock,
    );
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
    });
    const crashed = await store.reconcile.startRun(
      {
        integrationId: integration.id,
        dryRun: true,
        autoHeal: false,
        trigger: 'schedule',
      },
      clock.now(),
    );
    const scheduler = new ReconcileScheduler({
      store,
      reconciler,
      logger,
      clock,
    });

    await scheduler.tick(clock.now() + ABANDONED_RUN_AFTER_MS - 1000);
    expect((await store.reconcile.getRun(crashed.id))!.status).toBe('running');
    await scheduler.tick(clock.now() + ABANDONED_RUN_AFTER_MS + 1000);
    expect(await store.reconcile.getRun(crashed.id)).toMatchObject({
      status: 'failed',
      error: ABANDONED_RUN_ERROR,
    });
  });

  it('records a failed run with the reason when the vendor refuses', async () => {
    const { clock, sleep } = steppingClock(Date.now());
    const { connector } = counting(createTestConnector('refused'), clock);
    const { integration, integrations, registry } = await setUp(
      connector,
      1,
      clock,
    );
    vendor.failNext({ status: 403 });
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      sleep,
    });

    const run = await reconciler.run(integration, {
      dryRun: true,
      autoHeal: false,
      trigger: 'schedule',
    });

    expect(run).toMatchObject({
      status: 'failed',
      trigger: 'schedule',
      checked: 0,
    });
    expect(run.error).toMatch(/403/);
    expect(run.error).not.toContain(vendor.token);
    expect((await store.reconcile.history(integration.id))[0].id).toBe(run.id);
  });

  it("tells routing of an incident whose status auto-heal took from the vendor, as a webhook's change would", async () => {
    const { clock, sleep } = steppingClock(Date.now());
    const { integration, integrations, registry, ticketIds } = await setUp(
      createTestConnector('healroute'),
      2,
      clock,
    );
    const [moved, reassigned] = ticketIds.map(id => vendor.tickets.get(id)!);
    moved.status = 'mitigated';
    reassigned.assigned_to = 'bob@example.com';
    const reconciler = new Reconciler({
      store,
      connectors: registry,
      integrations,
      logger,
      clock,
      sleep,
    });
    const told: Array<{ id: string; status: string; linked: string[] }> = [];
    reconciler.onRoutedFieldsChanged(changed =>
      told.push(
        ...changed.map(c => ({
          id: c.incident.id,
          status: c.incident.status,
          linked: c.linked,
        })),
      ),
    );

    const run = await reconciler.run(integration, {
      dryRun: false,
      autoHeal: true,
      trigger: 'manual',
    });

    expect(run).toMatchObject({ status: 'succeeded', healed: 2 });
    const movedLink = await store.links.byExternalId(integration.id, moved.id);
    // Only the status moved a field routing looks at; the reassignment did not.
    expect(told).toEqual([
      {
        id: movedLink!.incident_id,
        status: 'mitigated',
        linked: [integration.id],
      },
    ]);
  });
});
