import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** GET /v1/incidents/{id}/trace: outbound deliveries, retries and the DLQ, per link. */
describe.each(databases.eachSupportedId())('trace routes on %s', databaseId => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend({ databases, databaseId });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const traceOf = async (id: string, query = '') =>
    (await hub.api.get(`${hub.base}/v1/incidents/${id}/trace${query}`)).body
      .items as Array<Record<string, any>>;

  it('traces a retried delivery with its next time, then the delivery, with the fields sent and the vendor call', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({ status: 503 });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Checkout latency',
      severity: 'SEV-2',
      integrations: [integration.name],
    });
    const items = await eventually(async () => {
      const trace = await traceOf(created.body.id);
      return trace.some(e => e.kind === 'delivered') ? trace : undefined;
    }, 5000);
    const retry = items.find(e => e.kind === 'retry')!;
    expect(retry).toMatchObject({
      direction: 'outbound',
      integration_id: integration.id,
      attempts: 1,
      call: { status: 503, method: expect.any(String) },
    });
    expect(Date.parse(retry.next_attempt_at)).toBeGreaterThanOrEqual(
      Date.parse(retry.at),
    );
    expect(retry.error).toMatch(/503/);
    const delivered = items.find(e => e.kind === 'delivered')!;
    expect(delivered).toMatchObject({
      direction: 'outbound',
      source: 'platform',
      attempts: 2,
    });
    expect(delivered.call.operation).toMatch(/createTicket/);
    expect(delivered.call.latency_ms).toBeGreaterThanOrEqual(0);
    expect(delivered.fields).toEqual(
      expect.arrayContaining([
        { field: 'title', outcome: 'applied', why: 'sent to the ticket' },
      ]),
    );
  });

  it('traces the reason a delivery went to the DLQ, without the vendor body', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({
      status: 400,
      body: { error: 'bad field', secret_echo: 'vendor-body-marker' },
    });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Broken payload',
      severity: 'SEV-3',
      integrations: [integration.name],
    });
    const dead = await eventually(async () => {
      const trace = await traceOf(created.body.id);
      return trace.find(e => e.kind === 'dead_letter');
    }, 5000);
    expect(dead).toMatchObject({
      call: { status: 400, method: 'GET', path: '/tickets' },
      attempts: 1,
      error: 'Test tickets GET /tickets answered 400',
    });
    expect(JSON.stringify(dead)).not.toContain('vendor-body-marker');
  });

  it('traces a vendor change of an outbound-only integration as skipped for its direction', async () => {
    const integration = await hub.createIntegration({
      sync_direction: 'outbound',
    });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'One way',
      severity: 'SEV-3',
      integrations: [integration.name],
    });
    const id = created.body.id;
    const ticket = await eventually(async () => {
      const res = await hub.api.get(`${hub.base}/v1/incidents/${id}`);
      return res.body.links[0]?.external_id as string | undefined;
    }, 5000);
    const res = await hub.deliverWebhook(
      integration.id,
      hub.vendor.vendorEdit(
        ticket,
        { status: 'resolved' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    expect(res.status).toBe(202);
    const inbound = (await traceOf(id)).filter(e => e.direction === 'inbound');
    expect(inbound).toEqual([
      expect.objectContaining({
        kind: 'event',
        integration_id: integration.id,
        fields: [
          {
            field: 'status',
            outcome: 'skipped',
            reason: 'direction',
            why: 'the integration syncs outbound only',
          },
        ],
      }),
    ]);
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${id}`)).body.status,
    ).toBe('open');
  });

  it('keeps one link’s entries with ?link= and refuses an unknown link, incident or parameter', async () => {
    const a = await hub.createIntegration();
    const b = await hub.createIntegration();
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Two desks',
      severity: 'SEV-2',
      integrations: [a.name, b.name],
    });
    const id = created.body.id;
    await eventually(
      async () =>
        (await traceOf(id)).filter(e => e.kind === 'delivered').length === 2,
      5000,
    );
    const onlyB = await traceOf(id, `?link=${encodeURIComponent(b.name)}`);
    expect(onlyB.length).toBeGreaterThan(0);
    expect(onlyB.every(e => e.integration_id === b.id)).toBe(true);

    const unknownLink = await hub.api.get(
      `${hub.base}/v1/incidents/${id}/trace?link=nope`,
    );
    expect(unknownLink.status).toBe(404);
    const unknownIncident = await hub.api.get(
      `${hub.base}/v1/incidents/nope/trace`,
    );
    expect(unknownIncident.status).toBe(404);
    const badQuery = await hub.api.get(
      `${hub.base}/v1/incidents/${id}/trace?since=1`,
    );
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.message).toMatch(/since/);
  });
});
