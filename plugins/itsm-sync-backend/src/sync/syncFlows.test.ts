import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('sync flows on %s', databaseId => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend({ databases, databaseId });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  async function incidentWithTicket(
    integrationName: string,
    overrides: Record<string, unknown> = {},
  ) {
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Checkout latency',
      severity: 'SEV-2',
      entity_ref: 'component:default/checkout',
      integrations: [integrationName],
      ...overrides,
    });
    expect(created.status).toBe(201);
    const incident = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/incidents/${created.body.id}`,
        );
        return res.body.links[0]?.external_id ? res.body : undefined;
      },
      5000,
      'the ticket to be created',
    );
    return { incident, ticketId: incident.links[0].external_id as string };
  }

  it('creates an integration with default ownership and never returns its credentials', async () => {
    const integration = await hub.createIntegration({
      name: 'Production Test',
    });
    const res = await hub.api.get(
      `${hub.base}/v1/integrations/Production Test`,
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(integration.id);
    expect(res.body.credential_keys).toEqual(['token']);
    expect(JSON.stringify(res.body)).not.toContain(hub.vendor.token);
    expect(JSON.stringify(res.body)).not.toContain(TEST_WEBHOOK_SECRET);
    const rules = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/field-ownership`,
    );
    expect(rules.body.items).toEqual(
      expect.arrayContaining([
        { field: 'title', owner: 'platform', priority: 10 },
        { field: 'assigned_to', owner: 'external', priority: 5 },
      ]),
    );
  });

  it('refuses bad input with a reason and changes nothing', async () => {
    const before = (await hub.api.get(`${hub.base}/v1/integrations`)).body.items
      .length;
    const bad = await hub.api
      .post(`${hub.base}/v1/integrations`)
      .send({ name: 'x', integration_type: 'test', base_url: 'ftp://nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/organization_id|base_url/);
    const unknownType = await hub.api.post(`${hub.base}/v1/integrations`).send({
      organization_id: 'acme',
      integration_type: 'nosuch',
      name: 'n',
      base_url: 'https://x.example',
    });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.message).toMatch(/no installed connector/);
    expect(
      (await hub.api.get(`${hub.base}/v1/integrations`)).body.items.length,
    ).toBe(before);
    const badIncident = await hub.api
      .post(`${hub.base}/v1/incidents`)
      .send({ title: 'x', severity: 'SEV-9' });
    expect(badIncident.status).toBe(400);
    expect(badIncident.body.error.message).toMatch(/severity/);
    expect(
      (await hub.api.get(`${hub.base}/v1/integrations/no-such-thing`)).status,
    ).toBe(404);
  });

  it('creates the ticket for a new incident and sends later platform changes in order', async () => {
    const integration = await hub.createIntegration();
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    const ticket = hub.vendor.tickets.get(ticketId)!;
    expect(ticket).toMatchObject({
      title: 'Checkout latency',
      severity: 'SEV-2',
      status: 'open',
    });
    expect(ticket.dedup_key).toBeTruthy();

    for (const status of ['mitigated', 'resolved'] as const) {
      expect(
        (
          await hub.api
            .patch(`${hub.base}/v1/incidents/${incident.id}`)
            .send({ status })
        ).status,
      ).toBe(200);
    }
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incident.id}`)
      .send({ title: 'Checkout latency (rolled back)' });
    await eventually(
      () =>
        ticket.status === 'resolved' &&
        ticket.title === 'Checkout latency (rolled back)',
      5000,
      'updates delivered',
    );
    const updates = hub.vendor.writes.filter(
      w => w.ticketId === ticketId && w.method === 'update',
    );
    const statuses = updates.map(w => w.body.status).filter(Boolean);
    // Coalescing may merge queued updates, but never reorders them.
    expect(statuses[statuses.length - 1]).toBe('resolved');
    expect(
      hub.vendor.writes.filter(
        w => w.method === 'create' && w.ticketId === ticketId,
      ),
    ).toHaveLength(1);

    // The vendor has the write a moment before the hub acknowledges it in its outbox.
    const status = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/sync-status`,
        );
        return res.body.outbox_pending === 0 ? res : undefined;
      },
      5000,
      'the outbox to drain',
    );
    expect(status.body.metrics.outbound_success).toBeGreaterThanOrEqual(2);
    expect(status.body.health).toBe('healthy');
  });

  it('does not send fields the external system owns', async () => {
    const integration = await hub.createIntegration();
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    const writesBefore = hub.vendor.writes.length;
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incident.id}`)
      .send({ assigned_to: 'alice' });
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incident.id}`)
      .send({ severity: 'SEV-1' });
    await eventually(
      () => hub.vendor.tickets.get(ticketId)!.severity === 'SEV-1',
      5000,
      'severity delivered',
    );
    const sent = hub.vendor.writes
      .slice(writesBefore)
      .filter(w => w.ticketId === ticketId);
    expect(sent.some(w => 'assigned_to' in w.body)).toBe(false);
  });

  it('applies an external change of an externally owned field once, even when delivered twice', async () => {
    const integration = await hub.createIntegration();
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    const webhook = hub.vendor.vendorEdit(
      ticketId,
      { assigned_to: 'bob' },
      TEST_WEBHOOK_SECRET,
      `evt-${ticketId}`,
    );
    const first = await hub.deliverWebhook(integration.id, webhook);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'accepted',
      applied: 1,
      duplicates: 0,
    });
    const again = await hub.deliverWebhook(integration.id, webhook);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ applied: 0, duplicates: 1 });
    const after = await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`);
    expect(after.body.assigned_to).toBe('bob');
    expect(after.body.version).toBe(incident.version + 1);
    const status = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/sync-status`,
    );
    expect(status.body.metrics.inbound_success).toBe(1);
  });

  it('ignores an external change of a platform-owned field', async () => {
    const integration = await hub.createIntegration();
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    const res = await hub.deliverWebhook(
      integration.id,
      hub.vendor.vendorEdit(
        ticketId,
        { title: 'Renamed at vendor' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(0);
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body.title,
    ).toBe('Checkout latency');
  });

  it('recognises the echo of its own write and neither applies nor re-sends it', async () => {
    const integration = await hub.createIntegration();
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incident.id}`)
      .send({ status: 'mitigated' });
    await eventually(
      () => hub.vendor.tickets.get(ticketId)!.status === 'mitigated',
      5000,
      'status delivered',
    );
    const version = (
      await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)
    ).body.version;
    const writes = hub.vendor.writes.length;
    // The vendor fires a webhook for the hub's own API write.
    const echo = hub.vendor.signedWebhook(
      {
        event_id: `echo-${ticketId}`,
        kind: 'updated',
        ticket_id: ticketId,
        changes: { status: 'mitigated' },
        occurred_at: new Date().toISOString(),
      },
      TEST_WEBHOOK_SECRET,
    );
    const res = await hub.deliverWebhook(integration.id, echo);
    expect(res.body.applied).toBe(0);
    await new Promise(r => setTimeout(r, 200));
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
        .version,
    ).toBe(version);
    expect(hub.vendor.writes.length).toBe(writes);
  });

  it('refuses a webhook with a wrong or missing signature and changes nothing', async () => {
    const integration = await hub.createIntegration();
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    const forged = hub.vendor.vendorEdit(
      ticketId,
      { assigned_to: 'mallory' },
      'not-the-secret',
    );
    const res = await hub.deliverWebhook(integration.id, forged);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain(TEST_WEBHOOK_SECRET);
    const unsigned = await hub.deliverWebhook(integration.id, {
      rawBody: forged.rawBody,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(401);
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
        .assigned_to,
    ).toBeNull();
    const status = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/sync-status`,
    );
    expect(status.body.metrics.inbound_success).toBe(0);
  });

  it('answers 413 for a webhook body over the limit and a generic 401 for an unknown integration', async () => {
    const integration = await hub.createIntegration();
    const huge = await hub.deliverWebhook(integration.id, {
      rawBody: Buffer.alloc(1024 * 1024 + 10, 'a'),
      headers: {},
    });
    expect(huge.status).toBe(413);
    const unknown = await hub.deliverWebhook(
      '00000000-0000-0000-0000-000000000000',
      { rawBody: Buffer.from('{}'), headers: {} },
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe('Webhook refused');
  });

  it("fans an inbound change out to the incident's other integrations", async () => {
    const a = await hub.createIntegration();
    const b = await hub.createIntegration();
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Fan-out',
      severity: 'SEV-3',
      integrations: [a.name, b.name],
    });
    const incident = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/incidents/${created.body.id}`,
        );
        return res.body.links.every((l: any) => l.external_id)
          ? res.body
          : undefined;
      },
      5000,
      'both tickets',
    );
    const ticketA = incident.links.find(
      (l: any) => l.integration_id === a.id,
    ).external_id;
    const ticketB = incident.links.find(
      (l: any) => l.integration_id === b.id,
    ).external_id;
    // Status has no owner on the test connector, so it flows both ways.
    await hub.deliverWebhook(
      a.id,
      hub.vendor.vendorEdit(
        ticketA,
        { status: 'mitigated' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    await eventually(
      () => hub.vendor.tickets.get(ticketB)!.status === 'mitigated',
      5000,
      'fan-out to B',
    );
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
        .status,
    ).toBe('mitigated');
    // A is not written back: the change came from it.
    expect(
      hub.vendor.writes.filter(
        w => w.ticketId === ticketA && w.method === 'update' && w.body.status,
      ),
    ).toHaveLength(0);
  });

  it('queues a conflict for manual review and syncs the chosen value out', async () => {
    const integration = await hub.createIntegration({
      conflict_strategy: 'manual-review',
    });
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incident.id}`)
      .send({ status: 'mitigated' });
    const res = await hub.deliverWebhook(
      integration.id,
      hub.vendor.vendorEdit(
        ticketId,
        { status: 'resolved' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    expect(res.status).toBe(200);
    const list = await hub.api.get(
      `${hub.base}/v1/conflicts?status=pending&integration=${integration.name}`,
    );
    expect(list.body.items).toHaveLength(1);
    const conflict = list.body.items[0];
    expect(conflict).toMatchObject({
      field: 'status',
      platform_value: 'mitigated',
      external_value: 'resolved',
      incident_id: incident.id,
    });
    const shown = await hub.api.get(`${hub.base}/v1/conflicts/${conflict.id}`);
    expect(shown.body.incident.id).toBe(incident.id);
    expect(Date.parse(shown.body.platform_changed_at)).not.toBeNaN();
    expect(Date.parse(shown.body.external_changed_at)).not.toBeNaN();
    const view = await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`);
    // Its own link, found by integration: the incident may carry more than one.
    expect(
      view.body.links.find(
        (l: { integration_id: string }) => l.integration_id === integration.id,
      ).sync_state,
    ).toBe('conflict');

    const resolved = await hub.api
      .post(`${hub.base}/v1/conflicts/${conflict.id}/resolve`)
      .send({ resolution: 'use-platform' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolution: 'use-platform',
    });
    await eventually(
      () => hub.vendor.tickets.get(ticketId)!.status === 'mitigated',
      5000,
      'platform value sent out',
    );
    const twice = await hub.api
      .post(`${hub.base}/v1/conflicts/${conflict.id}/resolve`)
      .send({ resolution: 'ignore' });
    expect(twice.status).toBe(409);
  });

  it.each([
    ['use-external', 'resolved', 'resolved'],
    ['ignore', 'mitigated', 'resolved'],
  ] as const)(
    'resolves a queued conflict with %s',
    async (resolution, platformAfter, ticketAfter) => {
      const integration = await hub.createIntegration({
        conflict_strategy: 'manual-review',
      });
      const { incident, ticketId } = await incidentWithTicket(integration.name);
      await hub.api
        .patch(`${hub.base}/v1/incidents/${incident.id}`)
        .send({ status: 'mitigated' });
      await eventually(
        () => hub.vendor.tickets.get(ticketId)!.status === 'mitigated',
        5000,
        'platform change delivered',
      );
      await hub.deliverWebhook(
        integration.id,
        hub.vendor.vendorEdit(
          ticketId,
          { status: 'resolved' },
          TEST_WEBHOOK_SECRET,
        ),
      );
      const [conflict] = (
        await hub.api.get(
          `${hub.base}/v1/conflicts?status=pending&integration=${integration.id}`,
        )
      ).body.items;
      expect(conflict).toMatchObject({
        field: 'status',
        external_value: 'resolved',
      });
      const res = await hub.api
        .post(`${hub.base}/v1/conflicts/${conflict.id}/resolve`)
        .send({ resolution });
      expect(res.status).toBe(200);
      expect(res.body.resolution).toBe(resolution);
      expect(
        (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
          .status,
      ).toBe(platformAfter);
      await new Promise(r => setTimeout(r, 150));
      expect(hub.vendor.tickets.get(ticketId)!.status).toBe(ticketAfter);
      const view = await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`);
      expect(view.body.links[0].sync_state).toBe('in_sync');
    },
  );

  it('keeps no plaintext credential or webhook secret in the stored row', async () => {
    const integration = await hub.createIntegration({
      credentials: { token: hub.vendor.token, extra: 'plaintext-canary-0001' },
    });
    const row = await hub.knex!('integrations')
      .where({ id: integration.id })
      .first();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain('plaintext-canary-0001');
    expect(stored).not.toContain(TEST_WEBHOOK_SECRET);
    // Sealed bound to the integration (v2), with the configured key.
    expect(row.secrets_ciphertext).toMatch(/^v2\./);
  });

  it('settles a conflict by last-write-wins without queueing it', async () => {
    const integration = await hub.createIntegration({
      conflict_strategy: 'last-write-wins',
    });
    const { incident, ticketId } = await incidentWithTicket(integration.name);
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incident.id}`)
      .send({ status: 'mitigated' });
    await hub.deliverWebhook(
      integration.id,
      hub.vendor.vendorEdit(
        ticketId,
        { status: 'resolved' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
        .status,
    ).toBe('resolved');
    const pending = await hub.api.get(
      `${hub.base}/v1/conflicts?status=pending&integration=${integration.id}`,
    );
    expect(pending.body.items).toHaveLength(0);
    const status = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/sync-status`,
    );
    expect(status.body.metrics.conflicts_detected).toBe(1);
    expect(status.body.metrics.conflicts_resolved).toBe(1);
  });
});
