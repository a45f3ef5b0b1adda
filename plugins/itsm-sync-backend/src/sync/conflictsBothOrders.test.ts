import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/**
 * docs/sync-semantics.md#detection in the other order: a platform edit seconds after a
 * vendor edit of the same field is a conflict too, settled by the integration's strategy.
 */
describe.each(databases.eachSupportedId())(
  'a platform change after a vendor change on %s',
  databaseId => {
    let hub: SyncTestBackend;

    beforeAll(async () => {
      hub = await startSyncTestBackend({ databases, databaseId });
    });
    afterAll(async () => {
      await hub?.stop();
    });

    /** An incident whose ticket the vendor has just changed (applied to the platform). */
    async function vendorChanged(
      overrides: Record<string, unknown>,
      fields: Record<string, unknown>,
    ) {
      const integration = await hub.createIntegration(overrides);
      const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
        title: 'Checkout latency',
        severity: 'SEV-2',
        integrations: [integration.name],
      });
      const incident = await eventually(async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/incidents/${created.body.id}`,
        );
        return res.body.links[0]?.external_id ? res.body : undefined;
      }, 5000);
      const ticketId = incident.links[0].external_id as string;
      const res = await hub.deliverWebhook(
        integration.id,
        hub.vendor.vendorEdit(ticketId, fields as any, TEST_WEBHOOK_SECRET),
      );
      expect(res.body.applied).toBe(1);
      return { integration, id: incident.id as string, ticketId };
    }

    const conflictsOf = async (integrationId: string) =>
      (
        await hub.api.get(
          `${hub.base}/v1/conflicts?integration=${integrationId}`,
        )
      ).body.items as Array<Record<string, unknown>>;

    const statusWrites = (ticketId: string) =>
      hub.vendor.writes.filter(
        w => w.ticketId === ticketId && w.method === 'update' && w.body.status,
      ).length;

    it('queues it for review under manual-review, holds the platform value back from the ticket, and sends it when a person chooses it', async () => {
      const { integration, id, ticketId } = await vendorChanged(
        { conflict_strategy: 'manual-review' },
        { status: 'resolved' },
      );
      const patched = await hub.api
        .patch(`${hub.base}/v1/incidents/${id}`)
        .send({ status: 'mitigated', title: 'Checkout latency (EU)' });
      expect(patched.status).toBe(200);
      expect(patched.body.status).toBe('mitigated');

      const [conflict] = await conflictsOf(integration.id);
      expect(conflict).toMatchObject({
        field: 'status',
        status: 'pending',
        platform_value: 'mitigated',
        external_value: 'resolved',
        incident_id: id,
      });
      // The other field of the same change still goes out; the conflicting one does not.
      await eventually(
        () =>
          hub.vendor.tickets.get(ticketId)!.title === 'Checkout latency (EU)',
        5000,
      );
      expect(hub.vendor.tickets.get(ticketId)!.status).toBe('resolved');
      expect(statusWrites(ticketId)).toBe(0);
      const view = await hub.api.get(`${hub.base}/v1/incidents/${id}`);
      expect(view.body.links[0].sync_state).toBe('conflict');

      const resolved = await hub.api
        .post(`${hub.base}/v1/conflicts/${conflict.id}/resolve`)
        .send({ resolution: 'use-platform' });
      expect(resolved.status).toBe(200);
      await eventually(
        () => hub.vendor.tickets.get(ticketId)!.status === 'mitigated',
        5000,
      );
    });

    it('lets the later platform change win under last-write-wins, recorded as settled', async () => {
      const { integration, id, ticketId } = await vendorChanged(
        { conflict_strategy: 'last-write-wins' },
        { status: 'resolved' },
      );
      await hub.api
        .patch(`${hub.base}/v1/incidents/${id}`)
        .send({ status: 'mitigated' });
      await eventually(
        () => hub.vendor.tickets.get(ticketId)!.status === 'mitigated',
        5000,
      );
      expect(await conflictsOf(integration.id)).toEqual([
        expect.objectContaining({
          field: 'status',
          status: 'resolved',
          resolution: 'use-platform',
          resolved_by: 'strategy:last-write-wins',
        }),
      ]);
      const status = await hub.api.get(
        `${hub.base}/v1/integrations/${integration.id}/sync-status`,
      );
      expect(status.body.metrics).toMatchObject({
        conflicts_detected: 1,
        conflicts_resolved: 1,
      });
    });

    it('keeps the vendor’s value of a field the vendor owns under ownership-priority', async () => {
      // The test connector's default rules give assigned_to to the vendor.
      const { integration, id } = await vendorChanged(
        { conflict_strategy: 'ownership-priority' },
        { assigned_to: 'vendor.person' },
      );
      const patched = await hub.api
        .patch(`${hub.base}/v1/incidents/${id}`)
        .send({ assigned_to: 'platform.person' });
      expect(patched.status).toBe(200);
      expect(patched.body.assigned_to).toBe('vendor.person');
      expect(await conflictsOf(integration.id)).toEqual([
        expect.objectContaining({
          field: 'assigned_to',
          status: 'resolved',
          resolution: 'use-external',
          platform_value: 'platform.person',
          external_value: 'vendor.person',
        }),
      ]);
    });

    it('is no conflict outside the integration’s window', async () => {
      const { integration, id, ticketId } = await vendorChanged(
        { conflict_strategy: 'manual-review', conflict_window_seconds: 0 },
        { status: 'resolved' },
      );
      await new Promise(r => setTimeout(r, 20));
      await hub.api
        .patch(`${hub.base}/v1/incidents/${id}`)
        .send({ status: 'mitigated' });
      await eventually(
        () => hub.vendor.tickets.get(ticketId)!.status === 'mitigated',
        5000,
      );
      expect(await conflictsOf(integration.id)).toEqual([]);
    });
  },
);
