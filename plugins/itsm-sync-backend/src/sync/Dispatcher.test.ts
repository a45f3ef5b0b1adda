import { integrationRequest } from '../__testUtils__/integrationRequest';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  createTestConnector,
  TestTicketServer,
  testOutboundPolicy,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { SecretCipher } from '../crypto/SecretCipher';
import type { SyncStore } from '../store/SyncStore';
import { ConnectorRegistry } from './ConnectorRegistry';
import { IncidentService } from './IncidentService';
import { IntegrationService } from './IntegrationService';
import { AssigneeMapper } from './AssigneeMapper';
import { NotePoster } from './NotePoster';
import { OutboundDelivery, type DeliveryResult } from './OutboundDelivery';
import { OutboxWorker } from './OutboxWorker';
import { DEFAULT_DISPATCHER_SETTINGS } from './SyncEngine';
import { storeOver } from '../store/__testUtils__/storeTestDatabases';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** A clock the test moves by hand, so the retry schedule is checked to the second. */
class ManualClock {
  constructor(public t = Date.UTC(2026, 10, 24, 9, 0, 0)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

describe.each(databases.eachSupportedId())(
  'outbox dispatcher on %s',
  databaseId => {
    let vendor: TestTicketServer;
    let store: SyncStore;
    let integrations: IntegrationService;
    let connectors: ConnectorRegistry;

    beforeAll(async () => {
      vendor = await TestTicketServer.start();
      const knex = await databases.init(databaseId);
      store = await storeOver(knex);
      connectors = new ConnectorRegistry();
      connectors.add(createTestConnector());
    });
    afterAll(async () => {
      await vendor.close();
    });

    /** A worker as the dispatcher has one; `delivery` stands in for the vendor calls if given. */
    function workerWith(
      clock: ManualClock,
      delivery?: Pick<OutboundDelivery, 'deliver'>,
    ) {
      integrations = new IntegrationService({
        store,
        connectors,
        cipher: new SecretCipher([Buffer.alloc(32, 7)]),
        clock,
        outbound: testOutboundPolicy(),
      });
      const logger = mockServices.logger.mock();
      const worker = new OutboxWorker({
        ...DEFAULT_DISPATCHER_SETTINGS,
        store,
        connectors,
        integrations,
        delivery:
          delivery ??
          new OutboundDelivery(
            connectors,
            logger,
            integrations.outbound,
            new NotePoster(
              store,
              clock,
              type => connectors.get(type)?.displayName ?? type,
            ),
            new AssigneeMapper(store, clock),
          ),
        logger,
        clock,
        leaseMs: 60_000,
        perIntegrationConcurrency: 8,
      });
      const incidents = new IncidentService({
        store,
        connectors,
        integrations,
        clock,
      });
      return { worker, incidents };
    }

    /** Claims what is due and waits for its deliveries, as one turn of the dispatcher loop; how many rows it claimed. */
    async function deliverDue(worker: OutboxWorker): Promise<number> {
      const { deliveries } = await worker.claimAndDeliver(
        DEFAULT_DISPATCHER_SETTINGS.concurrency,
      );
      await Promise.all(deliveries);
      return deliveries.length;
    }

    async function setUp(
      clock: ManualClock,
      delivery?: Pick<OutboundDelivery, 'deliver'>,
    ) {
      const { worker, incidents } = workerWith(clock, delivery);
      const integration = await integrations.create(
        integrationRequest({
          name: `dispatch-${Math.random().toString(36).slice(2, 8)}`,
          base_url: vendor.baseUrl,
          credentials: { token: vendor.token },
        }),
      );
      const incident = await incidents.create({
        title: 'Disk full on db-1',
        description: '',
        severity: 'SEV-2',
        status: 'open',
        assigned_to: null,
        escalation_policy: null,
        entity_ref: null,
        incident_type: null,
        integrations: [integration.id],
      });
      return { worker, incidents, integration, incident };
    }

    it('retries a 500 at 30 s, 2 min, 8 min and 30 min, then dead-letters it', async () => {
      const clock = new ManualClock();
      const { worker, integration, incident } = await setUp(clock);
      vendor.failNext({ status: 500 }, 5);
      const delays = [30_000, 120_000, 480_000, 1_800_000];

      expect(await deliverDue(worker)).toBe(1); // attempt 1: immediate
      for (const delay of delays) {
        clock.advance(delay - 1000);
        expect(await deliverDue(worker)).toBe(0); // not before its time
        clock.advance(1000);
        expect(await deliverDue(worker)).toBe(1);
      }
      const [entry] = await store.dlq.list(integration.id);
      expect(entry).toMatchObject({
        incident_id: incident.id,
        attempts: 5,
        last_status: 500,
        state: 'failed',
      });
      clock.advance(3_600_000);
      expect(await deliverDue(worker)).toBe(0);
    });

    it('stretches the schedule by the integration backoff multiplier', async () => {
      const clock = new ManualClock();
      const { worker, integration } = await setUp(clock);
      await integrations.update(integration.id, { backoff_multiplier: 2 });
      vendor.failNext({ status: 502 });
      expect(await deliverDue(worker)).toBe(1);
      clock.advance(59_000);
      expect(await deliverDue(worker)).toBe(0);
      clock.advance(1000);
      expect(await deliverDue(worker)).toBe(1);
      expect(await store.outbox.pendingCount(integration.id)).toBe(0);
    });

    it('does not call a rate-limited vendor before its reset, and does not spend an attempt', async () => {
      const clock = new ManualClock();
      const { worker, integration } = await setUp(clock);
      vendor.failNext({ status: 429, headers: { 'retry-after': '120' } });
      expect(await deliverDue(worker)).toBe(1);
      const [row] = (await store.outbox.listFor(integration.id)).filter(
        r => r.state === 'pending',
      );
      expect(row.attempts).toBe(0);
      // The vendor's reset, carried over to the engine clock (a few ms pass in between).
      expect(row.next_attempt_at).toBeGreaterThan(clock.now() + 119_000);
      expect(row.next_attempt_at).toBeLessThanOrEqual(clock.now() + 120_000);
      expect((await store.integrations.get(integration.id))!.not_before).toBe(
        row.next_attempt_at,
      );
      clock.advance(119_000);
      expect(await deliverDue(worker)).toBe(0);
      clock.advance(1000);
      expect(await deliverDue(worker)).toBe(1);
      expect(await store.outbox.pendingCount(integration.id)).toBe(0);
    });

    it("spaces a rate-limited integration's calls by leaving rows in the outbox until their slot, never asleep in a slot", async () => {
      const clock = new ManualClock();
      const { worker, incidents } = workerWith(clock);
      const integration = await integrations.create(
        integrationRequest({
          name: `spaced-${Math.random().toString(36).slice(2, 8)}`,
          base_url: vendor.baseUrl,
          credentials: { token: vendor.token },
          rate_limit: 60,
        }),
      );
      const titles = ['one', 'two', 'three'].map(t => `${t} ${integration.id}`);
      for (const title of titles)
        await incidents.create({
          title,
          description: '',
          severity: 'SEV-3',
          status: 'open',
          assigned_to: null,
          escalation_policy: null,
          entity_ref: null,
          incident_type: null,
          integrations: [integration.id],
        });
      const creates = () =>
        vendor.writes.filter(
          w => w.method === 'create' && titles.includes(String(w.body.title)),
        ).length;
      const started = Date.now();
      // Before this replica knows the limit the claim takes all three: one calls, the
      // other two go back to the outbox until the next slot (1 s at 60 a minute).
      expect(await deliverDue(worker)).toBe(3);
      expect(creates()).toBe(1);
      const waiting = (await store.outbox.listFor(integration.id)).filter(
        r => r.state === 'pending',
      );
      expect(
        waiting.map(r => [r.attempts, r.next_attempt_at, r.lease_owner]),
      ).toEqual([
        [0, clock.now() + 1000, null],
        [0, clock.now() + 1000, null],
      ]);
      // Now it knows: nothing is claimed before the slot, one call per slot after it.
      expect(worker.msUntilNextSlot()).toBe(1000);
      expect(await deliverDue(worker)).toBe(0);
      clock.advance(1000);
      expect(await deliverDue(worker)).toBe(1);
      clock.advance(1000);
      expect(await deliverDue(worker)).toBe(1);
      expect(creates()).toBe(3);
      // Two seconds of the engine's clock, and no real second spent waiting in a slot.
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('delivers a change once when the dispatcher dies between the vendor call and the acknowledgement', async () => {
      const clock = new ManualClock();
      // A worker that dies, as kill -9 would, right after the vendor answered: its delivery never returns.
      let vendorAnswered!: () => void;
      const answered = new Promise<void>(resolve => (vendorAnswered = resolve));
      const dying = {
        async deliver(
          ...args: Parameters<OutboundDelivery['deliver']>
        ): Promise<DeliveryResult> {
          await new OutboundDelivery(
            connectors,
            mockServices.logger.mock(),
            integrations.outbound,
            new NotePoster(
              store,
              clock,
              type => connectors.get(type)?.displayName ?? type,
            ),
            new AssigneeMapper(store, clock),
          ).deliver(...args);
          vendorAnswered();
          return new Promise<DeliveryResult>(() => {});
        },
      };
      const { worker, integration, incident } = await setUp(clock, dying);
      const createsBefore = vendor.writes.filter(
        w => w.method === 'create',
      ).length;
      expect(
        (await worker.claimAndDeliver(DEFAULT_DISPATCHER_SETTINGS.concurrency))
          .deliveries,
      ).toHaveLength(1);
      await answered;
      // The ticket exists at the vendor, but the row was never acknowledged.
      expect(vendor.writes.filter(w => w.method === 'create').length).toBe(
        createsBefore + 1,
      );
      expect(await store.outbox.pendingCount(integration.id)).toBe(1);

      // Another replica: it cannot take the row while the lease lives...
      const { worker: survivor } = workerWith(clock);
      expect(await deliverDue(survivor)).toBe(0);
      // ...and takes it over once the lease has expired.
      clock.advance(61_000);
      expect(await deliverDue(survivor)).toBe(1);
      expect(await store.outbox.pendingCount(integration.id)).toBe(0);
      const link = await store.links.get(incident.id, integration.id);
      expect(link!.external_id).toBeTruthy();
      // The dedup key found the first ticket: no second one was made.
      expect(vendor.writes.filter(w => w.method === 'create').length).toBe(
        createsBefore + 1,
      );
      expect(
        [...vendor.tickets.values()].filter(
          t => t.dedup_key === link!.dedup_key,
        ),
      ).toHaveLength(1);
    });
  },
);
