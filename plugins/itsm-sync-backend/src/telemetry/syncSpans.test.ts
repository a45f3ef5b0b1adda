import { trace } from '@opentelemetry/api';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';
import { RecordingTracerProvider } from './__testUtils__/recordingTracerProvider';

jest.setTimeout(60_000);

const provider = new RecordingTracerProvider();
const FIVE = [
  'sync.integration_id',
  'sync.integration_type',
  'sync.direction',
  'sync.incident_id',
  'sync.external_id',
];

/** docs/sync-semantics.md#opentelemetry: each sync path's spans carry the five sync.* attributes. */
describe('sync spans', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    trace.setGlobalTracerProvider(provider);
    hub = await startSyncTestBackend();
  });
  afterAll(async () => {
    await hub?.stop();
    trace.disable();
  });

  const spansNamed = (name: string) =>
    provider.spans.filter(s => s.name === name);

  it('carries the incident and ticket on inbound, reconcile heal, conflict resolution, manual sync and delivery spans', async () => {
    const integration = await hub.createIntegration({
      conflict_strategy: 'manual-review',
    });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Traced',
      severity: 'SEV-2',
      integrations: [integration.name],
    });
    const id = created.body.id as string;
    const ticketId = await eventually(async () => {
      const res = await hub.api.get(`${hub.base}/v1/incidents/${id}`);
      return res.body.links[0]?.external_id as string | undefined;
    }, 5000);

    // Inbound: a vendor change, decided per change.
    await hub.deliverWebhook(
      integration.id,
      hub.vendor.vendorEdit(
        ticketId,
        { status: 'mitigated' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    // A conflict (the platform edits the same field within the window), resolved.
    await hub.api
      .patch(`${hub.base}/v1/incidents/${id}`)
      .send({ status: 'resolved' });
    const [conflict] = (
      await hub.api.get(
        `${hub.base}/v1/conflicts?status=pending&integration=${integration.id}`,
      )
    ).body.items;
    await hub.api
      .post(`${hub.base}/v1/conflicts/${conflict.id}/resolve`)
      .send({ resolution: 'use-platform' });
    // Drift healed by a reconcile.
    Object.assign(hub.vendor.tickets.get(ticketId)!, { title: 'Drifted' });
    await hub.api
      .post(`${hub.base}/v1/integrations/${integration.id}/reconcile`)
      .send({ auto_heal: true });
    // A manual sync.
    expect(
      (
        await hub.api.post(
          `${hub.base}/v1/integrations/${integration.id}/incidents/${id}/sync`,
        )
      ).status,
    ).toBe(200);

    for (const name of [
      'decide test',
      'resolve conflict',
      'heal test',
      'manual sync test',
      'send test',
    ]) {
      const spans = await eventually(() => {
        const found = spansNamed(name);
        return found.length ? found : undefined;
      }, 5000);
      const span = spans[spans.length - 1];
      expect({ name, keys: FIVE.filter(k => k in span.attributes) }).toEqual({
        name,
        keys: FIVE,
      });
      expect(span.attributes).toMatchObject({
        'sync.integration_id': integration.id,
        'sync.integration_type': 'test',
        'sync.incident_id': id,
        'sync.external_id': ticketId,
      });
    }
    expect(spansNamed('decide test')[0].attributes['sync.direction']).toBe(
      'inbound',
    );
    const reconcile = spansNamed('reconcile test')[0];
    expect(reconcile.attributes).toMatchObject({
      'sync.integration_id': integration.id,
      'sync.direction': 'both',
      'sync.reconcile.checked': 1,
    });
  });
});
