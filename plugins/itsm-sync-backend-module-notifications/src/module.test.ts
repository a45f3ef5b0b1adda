import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested inside the real itsm-sync backend plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import {
  eventually,
  TestTicketServer,
  testConnectorModule,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import request from 'supertest';
import { itsmSyncModuleNotifications } from './module';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'test-webhook-secret-1';
const FEED_TASK = 'itsm-sync-event-feed';

function group(name: string, members: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: members.map(m => ({ type: 'hasMember', targetRef: m })),
  };
}

function user(name: string, memberOf: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: [memberOf] },
    relations: [{ type: 'memberOf', targetRef: `group:default/${memberOf}` }],
  };
}

const entities: Entity[] = [
  group('payments', ['user:default/alice']),
  group('platform', ['user:default/bob']),
  user('alice', 'payments'),
  user('bob', 'platform'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
];

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'owner notifications with the real notifications backend on %s',
  databaseId => {
    let vendor: TestTicketServer;
    let failingVendor: TestTicketServer;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let api: ReturnType<typeof request>;
    let scheduler: SchedulerService;
    // Hands the test the backend's scheduler, to run rounds of the event feed on cue.
    const schedulerProbe = createBackendModule({
      pluginId: 'itsm-sync',
      moduleId: 'test-scheduler-probe',
      register(reg) {
        reg.registerInit({
          deps: { s: coreServices.scheduler },
          async init({ s }) {
            scheduler = s;
          },
        });
      },
    });
    const base = '/api/itsm-sync';

    beforeAll(async () => {
      vendor = await TestTicketServer.start();
      failingVendor = await TestTicketServer.start();
      const knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          itsmSyncPlugin,
          testConnectorModule,
          itsmSyncModuleNotifications,
          notificationsPlugin,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          // Rounds of the event feed run when the test triggers them.
          schedulerProbe,
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://127.0.0.1:3000' },
              itsmSync: {
                encryption: { key: '0f'.repeat(32) },
                dispatcher: { pollIntervalMs: 50, leaseSeconds: 5 },
                retry: { delaysSeconds: [0.05] },
                outbound: testOutboundConfig,
              },
            },
          }),
        ],
      });
      api = request(backend.server);
    });

    afterAll(async () => {
      await backend?.stop();
      await vendor?.close();
      await failingVendor?.close();
    });

    async function notificationsOf(userRef: string) {
      const res = await api
        .get('/api/notifications/notifications')
        .set('authorization', mockCredentials.user.header(userRef));
      expect(res.status).toBe(200);
      return res.body.notifications as Array<{
        payload: {
          title: string;
          severity: string;
          link: string;
          scope: string;
          topic: string;
          description: string;
        };
      }>;
    }

    async function createIntegration(
      server: TestTicketServer,
      overrides: Record<string, unknown>,
    ) {
      const res = await api.post(`${base}/v1/integrations`).send({
        organization_id: 'acme-corp',
        integration_type: 'test',
        name: `test-${Math.random().toString(36).slice(2, 8)}`,
        base_url: server.baseUrl,
        credentials: { token: server.token },
        webhook_secrets: [WEBHOOK_SECRET],
        ...overrides,
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; name: string };
    }

    async function createIncident(integrationName: string) {
      const res = await api.post(`${base}/v1/incidents`).send({
        title: 'Checkout latency',
        severity: 'SEV-2',
        entity_ref: 'component:default/checkout',
        integrations: [integrationName],
      });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    }

    let conflictId: string;

    it('notifies the owner group once about a conflict waiting for review', async () => {
      const integration = await createIntegration(vendor, {
        conflict_strategy: 'manual-review',
      });
      const incident = await createIncident(integration.name);
      const ticketId = await eventually(
        async () =>
          (await api.get(`${base}/v1/incidents/${incident.id}`)).body.links[0]
            ?.external_id as string | undefined,
        'the ticket to be created',
      );
      await api
        .patch(`${base}/v1/incidents/${incident.id}`)
        .send({ status: 'mitigated' });
      const webhook = vendor.vendorEdit(
        ticketId,
        { status: 'resolved' },
        WEBHOOK_SECRET,
      );
      const delivered = await api
        .post(`${base}/v1/webhooks/${integration.id}`)
        .set('authorization', mockCredentials.none.header())
        .set(webhook.headers as Record<string, string>)
        .send(webhook.rawBody.toString('utf8'));
      expect(delivered.status).toBe(200);
      const pending = await api.get(
        `${base}/v1/conflicts?status=pending&integration=${integration.id}`,
      );
      expect(pending.body.items).toHaveLength(1);
      conflictId = pending.body.items[0].id;

      // Two rounds: the second finds nothing new to announce.
      await scheduler.triggerTask(FEED_TASK);
      await scheduler.triggerTask(FEED_TASK);

      const alice = await notificationsOf('user:default/alice');
      expect(alice).toHaveLength(1);
      expect(alice[0].payload).toMatchObject({
        severity: 'high',
        link: '/itsm-sync/conflicts',
        scope: `itsm-sync:conflict:${conflictId}`,
        topic: 'itsm-sync',
      });
      expect(alice[0].payload.title).toContain('Checkout latency');
      expect(await notificationsOf('user:default/bob')).toHaveLength(0);
    });

    it('sends nothing when the conflict is resolved', async () => {
      const resolved = await api
        .post(`${base}/v1/conflicts/${conflictId}/resolve`)
        .send({ resolution: 'use-platform' });
      expect(resolved.status).toBe(200);
      await scheduler.triggerTask(FEED_TASK);

      const alice = await notificationsOf('user:default/alice');
      expect(alice).toHaveLength(1);
      expect(alice[0].payload.scope).toBe(`itsm-sync:conflict:${conflictId}`);
    });

    it('groups ten DLQ entries of a minute into one notification', async () => {
      failingVendor.failNext({ status: 400 }, 10_000);
      const integration = await createIntegration(failingVendor, {});
      const started = Date.now();
      const dlqSize = async () =>
        (await api.get(`${base}/v1/integrations/${integration.id}/dlq`)).body
          .items?.length as number | undefined;
      for (let i = 0; i < 10; i++) {
        await createIncident(integration.name);
        // Rounds between entries, as the scheduler would run them.
        if (i % 3 === 0) {
          const expected = i + 1;
          await eventually(
            async () => (await dlqSize()) === expected,
            'the change to reach the DLQ',
          );
          await scheduler.triggerTask(FEED_TASK);
        }
      }
      await eventually(async () => (await dlqSize()) === 10, 'ten DLQ entries');
      await scheduler.triggerTask(FEED_TASK);
      expect(Date.now() - started).toBeLessThan(60_000);

      const dlq = (await notificationsOf('user:default/alice')).filter(n =>
        n.payload.scope.startsWith('itsm-sync:dlq:'),
      );
      expect(dlq).toHaveLength(1);
      expect(dlq[0].payload).toMatchObject({
        severity: 'high',
        link: '/itsm-sync/dlq',
      });
      expect(dlq[0].payload.description).toMatch(/^10 change\(s\)/);
      expect(await notificationsOf('user:default/bob')).toHaveLength(0);
    });
  },
);
