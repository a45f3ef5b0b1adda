import { TestDatabases } from '@backstage/backend-test-utils';
import {
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** docs/sync-semantics.md#refused-webhooks: a wrong secret is seen in sync-status at once. */
describe.each(databases.eachSupportedId())(
  'refused webhooks on %s',
  databaseId => {
    let hub: SyncTestBackend;

    beforeAll(async () => {
      hub = await startSyncTestBackend({ databases, databaseId });
    });
    afterAll(async () => {
      await hub?.stop();
    });

    const status = async (id: string) =>
      (await hub.api.get(`${hub.base}/v1/integrations/${id}/sync-status`)).body;

    it('shows a forged webhook in sync-status within a second, counted in inbound_failed with its reason, and degrades health', async () => {
      const integration = await hub.createIntegration();
      const before = await status(integration.id);
      expect(before.health).toBe('healthy');
      expect(before.webhooks_refused).toEqual([]);

      const forged = hub.vendor.signedWebhook(
        { event_id: 'forged-1', kind: 'updated', ticket_id: 'x', changes: {} },
        'a-wrong-secret',
      );
      const sentAt = Date.now();
      expect((await hub.deliverWebhook(integration.id, forged)).status).toBe(
        401,
      );
      const after = await status(integration.id);
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(after.health).toBe('degraded');
      expect(after.metrics.inbound_failed).toBe(1);
      expect(after.webhooks_refused).toEqual([
        {
          reason: 'signature does not match',
          count_last_hour: 1,
          last_at: expect.any(String),
        },
      ]);
      expect(
        Date.parse(after.webhooks_refused[0].last_at),
      ).toBeGreaterThanOrEqual(sentAt - 1000);

      // A second refusal in the same minute adds to the count; a good webhook is no refusal.
      await hub.deliverWebhook(integration.id, forged);
      await hub.deliverWebhook(
        integration.id,
        hub.vendor.signedWebhook(
          { event_id: 'ok-1', kind: 'updated', ticket_id: 'x', changes: {} },
          TEST_WEBHOOK_SECRET,
        ),
      );
      const twice = await status(integration.id);
      expect(twice.webhooks_refused[0].count_last_hour).toBe(2);
      expect(twice.metrics.inbound_failed).toBe(2);
    });

    it('keeps refusals out of the answer and names no secret', async () => {
      const integration = await hub.createIntegration();
      const res = await hub.deliverWebhook(
        integration.id,
        hub.vendor.signedWebhook({ event_id: 'f' }, 'another-wrong-secret'),
      );
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('Webhook refused');
      const body = JSON.stringify(await status(integration.id));
      expect(body).not.toContain(TEST_WEBHOOK_SECRET);
      expect(body).not.toContain('another-wrong-secret');
    });
  },
);
