import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

describe('itsm-sync routes', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  async function linkedIncident(integrationName: string) {
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Queue backlog',
      severity: 'SEV-3',
      integrations: [integrationName],
    });
    expect(created.status).toBe(201);
    return created.body as { id: string };
  }

  it('checks a webhook signature on the test route without applying anything', async () => {
    const integration = await hub.createIntegration();
    const incident = await linkedIncident(integration.name);
    const ticketId = await eventually(
      async () =>
        (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
          .links[0].external_id,
      5000,
    );
    const webhook = hub.vendor.vendorEdit(
      ticketId,
      { assigned_to: 'carol' },
      TEST_WEBHOOK_SECRET,
    );
    const send = (w: typeof webhook) =>
      hub.api
        .post(`${hub.base}/v1/webhooks/${integration.id}/test`)
        .set('authorization', 'Bearer mock-none-token')
        .set(
          Object.fromEntries(
            Object.entries(w.headers).filter(([, v]) => v !== undefined),
          ) as Record<string, string>,
        )
        .send(w.rawBody.toString('utf8'));
    const ok = await send(webhook);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true, changes: 1, ignored: [] });
    const forged = await send(
      hub.vendor.vendorEdit(ticketId, { assigned_to: 'carol' }, 'wrong-secret'),
    );
    expect(forged.status).toBe(401);
    expect(
      (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
        .assigned_to,
    ).toBeNull();
  });

  it("keeps a manual sync's cooldown on the link, so a reloaded page still shows it", async () => {
    const integration = await hub.createIntegration();
    const incident = await linkedIncident(integration.name);
    const before = (
      await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)
    ).body;
    expect(before.links[0].manual_sync_cooldown_until).toBeNull();
    const synced = await hub.api.post(
      `${hub.base}/v1/integrations/${integration.id}/incidents/${incident.id}/sync`,
    );
    expect([200, 202]).toContain(synced.status);
    const after = (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`))
      .body;
    expect(after.links[0].manual_sync_cooldown_until).toBe(
      synced.body.cooldown_until,
    );
    const left =
      Date.parse(after.links[0].manual_sync_cooldown_until) - Date.now();
    expect(left).toBeGreaterThan(590_000);
    expect(left).toBeLessThanOrEqual(600_000);
  });

  it('explains on-call lookups that cannot be made', async () => {
    const integration = await hub.createIntegration();
    const missing = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/oncall`,
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/schedule_id is required/);
    const unsupported = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/oncall?schedule_id=PABC123`,
    );
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.message).toMatch(/no on-call schedules/);
  });

  it('retries a failed delivery on the schedule and delivers it', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({ status: 503 }, 2);
    const incident = await linkedIncident(integration.name);
    const view = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/incidents/${incident.id}`,
        );
        return res.body.links[0].external_id ? res.body : undefined;
      },
      5000,
      'delivery after two failures',
    );
    expect(view.links[0].sync_state).toBe('in_sync');
    const status = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/sync-status`,
    );
    expect(status.body.dlq_size).toBe(0);
    expect(status.body.metrics.outbound_success).toBe(1);
  });

  it('serves the metric series of an integration: the delivery and its latency in the minute in progress, a window checked', async () => {
    const integration = await hub.createIntegration();
    await linkedIncident(integration.name);
    const series = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.name}/metrics/series?window=1h`,
        );
        expect(res.status).toBe(200);
        return res.body.points[59].latency_p50_ms !== null
          ? res.body
          : undefined;
      },
      5000,
      'a delivery in the series',
    );
    expect(series).toMatchObject({
      integration_id: integration.id,
      window: '1h',
      step_seconds: 60,
    });
    expect(series.points).toHaveLength(60);
    expect(series.points[59]).toMatchObject({
      outbound_per_minute: 1,
      failures: 0,
      outbox_backlog: 0,
      dlq_size: 0,
    });

    const week = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/metrics/series?window=1w`,
    );
    expect(week.body.step_seconds).toBe(3600);
    expect(week.body.points).toHaveLength(168);

    const bad = await hub.api.get(
      `${hub.base}/v1/integrations/${integration.id}/metrics/series?window=2h`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/window/);
  });

  it('dead-letters a permanent rejection with the vendor body, then retries and discards from the DLQ', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({ status: 400 });
    const incident = await linkedIncident(integration.name);
    const entries = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.name}/dlq`,
        );
        return res.body.items.length ? res.body.items : undefined;
      },
      5000,
      'a DLQ entry',
    );
    expect(entries[0]).toMatchObject({
      incident_id: incident.id,
      attempts: 1,
      last_status: 400,
      state: 'failed',
    });
    expect(entries[0].last_error).toContain('injected 400');
    const view = await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`);
    expect(view.body.links[0].sync_state).toBe('failed');
    expect(
      (
        await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/sync-status`,
        )
      ).body.metrics.outbound_failed,
    ).toBe(1);

    const retried = await hub.api.post(
      `${hub.base}/v1/integrations/${integration.name}/dlq/${entries[0].id}/retry`,
    );
    expect(retried.status).toBe(200);
    expect(retried.body.state).toBe('retried');
    await eventually(
      async () =>
        (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
          .links[0].external_id,
      5000,
      'redelivery',
    );
    const again = await hub.api.post(
      `${hub.base}/v1/integrations/${integration.name}/dlq/${entries[0].id}/discard`,
    );
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/No failed DLQ entry/);
  });

  it('moves a change to the DLQ after its fifth failed attempt, with no ticket made', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({ status: 500 }, 5);
    const incident = await linkedIncident(integration.name);
    const [entry] = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/dlq`,
        );
        return res.body.items.length ? res.body.items : undefined;
      },
      5000,
      'a DLQ entry after five failures',
    );
    expect(entry).toMatchObject({
      incident_id: incident.id,
      attempts: 5,
      last_status: 500,
    });
    const view = await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`);
    expect(view.body.links[0]).toMatchObject({
      external_id: null,
      sync_state: 'failed',
    });
  });

  it('waits for Retry-After on a 429 without spending an attempt', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({ status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const incident = await linkedIncident(integration.name);
    await eventually(
      async () => {
        const status = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/sync-status`,
        );
        return status.body.rate_limited_until ? status.body : undefined;
      },
      2000,
      'the rate limit to be recorded',
    );
    await eventually(
      async () =>
        (await hub.api.get(`${hub.base}/v1/incidents/${incident.id}`)).body
          .links[0].external_id,
      5000,
      'delivery after the reset',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const creates = hub.vendor.writes.filter(w => w.method === 'create');
    expect(creates.length).toBeGreaterThan(0);
    expect(
      (await hub.api.get(`${hub.base}/v1/integrations/${integration.id}/dlq`))
        .body.items,
    ).toHaveLength(0);
  });

  it('changes a field ownership rule and refuses an unknown field', async () => {
    const integration = await hub.createIntegration();
    const put = await hub.api
      .put(
        `${hub.base}/v1/integrations/${integration.name}/field-ownership/severity`,
      )
      .send({ owner: 'external', priority: 7 });
    expect(put.status).toBe(200);
    expect(put.body.rule).toEqual({
      field: 'severity',
      owner: 'external',
      priority: 7,
    });
    const unknown = await hub.api
      .put(
        `${hub.base}/v1/integrations/${integration.name}/field-ownership/colour`,
      )
      .send({ owner: 'external' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/not a test field/);
    const badOwner = await hub.api
      .put(
        `${hub.base}/v1/integrations/${integration.name}/field-ownership/severity`,
      )
      .send({ owner: 'nobody' });
    expect(badOwner.status).toBe(400);
  });

  it('updates and deletes an integration by name', async () => {
    const integration = await hub.createIntegration();
    const patched = await hub.api
      .patch(`${hub.base}/v1/integrations/${integration.name}`)
      .send({
        sync_direction: 'outbound',
        conflict_strategy: 'manual-review',
        rate_limit: 100,
        backoff_multiplier: 2,
      });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      sync_direction: 'outbound',
      conflict_strategy: 'manual-review',
      rate_limit: 100,
      backoff_multiplier: 2,
    });
    const empty = await hub.api
      .patch(`${hub.base}/v1/integrations/${integration.name}`)
      .send({});
    expect(empty.status).toBe(400);
    const badSetting = await hub.api
      .patch(`${hub.base}/v1/integrations/${integration.name}`)
      .send({ settings: { inbound_create: 'no' } });
    expect(badSetting.status).toBe(400);
    expect(badSetting.body.error.message).toBe(
      'settings: inbound_create must be true or false',
    );
    const off = await hub.api
      .patch(`${hub.base}/v1/integrations/${integration.name}`)
      .send({ settings: { inbound_create: false } });
    expect(off.body.settings).toMatchObject({ inbound_create: false });
    expect(
      (await hub.api.delete(`${hub.base}/v1/integrations/${integration.name}`))
        .status,
    ).toBe(204);
    expect(
      (await hub.api.get(`${hub.base}/v1/integrations/${integration.id}`))
        .status,
    ).toBe(404);
  });

  it('bounds every list: a limit from 1 to 500 is honoured, anything else is a 400 naming it', async () => {
    const integration = await hub.createIntegration();
    await linkedIncident(integration.name);
    await linkedIncident(integration.name);
    const links = (query: string) =>
      hub.api.get(
        `${hub.base}/v1/integrations/${integration.id}/links${query}`,
      );
    const page = await links('?limit=1');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(typeof page.body.next).toBe('string');
    expect((await links('')).body.items).toHaveLength(2);
    for (const path of [
      `/v1/integrations/${integration.id}/links?limit=501`,
      `/v1/integrations/${integration.id}/links?limit=0`,
      `/v1/integrations/${integration.id}/links?limit=many`,
      `/v1/integrations/${integration.id}/reconcile/history?limit=100000`,
      `/v1/integrations/${integration.id}/reconcile/history?limit=-1`,
      '/v1/incidents?limit=501',
    ]) {
      const refused = await hub.api.get(`${hub.base}${path}`);
      expect({ path, status: refused.status }).toEqual({ path, status: 400 });
      expect(refused.body.error.message).toMatch(/^Invalid query: limit: /);
    }
    expect(
      (
        await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/reconcile/history?limit=500`,
        )
      ).status,
    ).toBe(200);
  });

  it('lists the installed connectors with their capabilities', async () => {
    const res = await hub.api.get(`${hub.base}/v1/connectors`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        type: 'test',
        capabilities: expect.objectContaining({
          outbound: true,
          inbound: true,
        }),
      }),
    ]);
  });
});

describe('callback tokens on a connector that does not check them', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('refuses to issue one, naming why, and stores nothing', async () => {
    const integration = await hub.createIntegration();
    const res = await hub.api
      .post(`${hub.base}/v1/integrations/${integration.id}/callback-tokens`)
      .send({ app_name: 'Vendor inbound' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `Integration '${integration.name}' (test) does not take callback tokens: its connector checks webhooks against the integration's webhook secrets`,
    );
    expect(
      (
        await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/callback-tokens`,
        )
      ).body.items,
    ).toEqual([]);
  });
});

describe('itsm-sync routes without permission', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend({
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('answers 403 to every management and read route', async () => {
    for (const [method, path] of [
      ['get', '/v1/integrations'],
      ['post', '/v1/integrations'],
      ['get', '/v1/conflicts'],
      ['post', '/v1/incidents'],
      ['get', '/v1/connectors'],
    ] as const) {
      const res = await (hub.api as any)[method](`${hub.base}${path}`).send({});
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });
});
