import { mockCredentials } from '@backstage/backend-test-utils';
import type { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import {
  eventually,
  startServiceNowHub,
  type ServiceNowHub,
} from './__testUtils__/serviceNowHub';

jest.setTimeout(60_000);

const SECRET = 'snow-e2e-business-rule-secret';

describe('ServiceNow end to end on the in-process backend', () => {
  let hub: ServiceNowHub;
  let sim: ServiceNowSimulator;
  let base: string;
  let integration: { id: string; name: string };
  const api: ServiceNowHub['api'] = (...args) => hub.api(...args);
  const incident = (id: string) => hub.incident(id);

  /** A platform incident linked to ServiceNow, once its ticket exists there. */
  const linkedIncident = async (fields: Record<string, unknown>) => {
    const started = Date.now();
    const created = await api('POST', '/v1/incidents', {
      severity: 'SEV-2',
      ...fields,
      integrations: [integration.name],
    });
    expect(created.status).toBe(201);
    const sysId = await eventually(
      async () =>
        (await incident(created.body.id)).links?.[0]?.external_id as
          string | undefined,
    );
    return {
      id: created.body.id as string,
      sysId,
      elapsedMs: Date.now() - started,
    };
  };

  beforeAll(async () => {
    hub = await startServiceNowHub({
      integrationName: 'Production ServiceNow',
      secret: SECRET,
    });
    ({ sim, base, integration } = hub);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('keeps the credentials out of the integration it answers with', async () => {
    const view = await api('GET', `/v1/integrations/${integration.id}`);
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(sim.credentials.password);
  });

  it('refuses settings it cannot use, naming the setting', async () => {
    const refused = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      integration_type: 'servicenow',
      name: 'Misconfigured ServiceNow',
      base_url: sim.baseUrl,
      credentials: { username: 'u', password: 'p' },
      settings: { state_map: { paused: '3' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(
      "state_map has unknown status 'paused'",
    );
  });

  it('creates the ServiceNow incident within a second, with mapped fields and the dedup key in correlation_id', async () => {
    const created = await linkedIncident({
      title: 'Checkout latency',
      description: 'p99 above 2 s',
      severity: 'SEV-2',
    });
    expect(created.elapsedMs).toBeLessThan(1000);
    const record = sim.incident(created.sysId)!;
    expect(record).toMatchObject({
      short_description: 'Checkout latency',
      description: 'p99 above 2 s',
      impact: '1',
      urgency: '2',
      priority: '2',
      state: '1',
      correlation_display: 'ITSM Sync Hub',
    });
    expect(record.number).toMatch(/^INC\d{7}$/);
    expect(record.correlation_id.length).toBeGreaterThan(0);
  });

  it('sends a platform title change to short_description', async () => {
    const created = await linkedIncident({ title: 'Disk pressure' });
    expect(
      (
        await api('PATCH', `/v1/incidents/${created.id}`, {
          title: 'Disk pressure on db-3',
        })
      ).status,
    ).toBe(200);
    await eventually(
      async () =>
        sim.incident(created.sysId)?.short_description ===
        'Disk pressure on db-3',
    );
  });

  it('takes an assignment and a state change made by a person in ServiceNow', async () => {
    const created = await linkedIncident({ title: 'Queue backlog' });
    const edit = await sim.editAsPerson(created.sysId, {
      assigned_to: 'David Loo',
      state: '3',
      hold_reason: '4',
    });
    expect(edit.status).toBe(200);
    const updated = await eventually(async () => {
      const view = await incident(created.id);
      return view.assigned_to === 'David Loo' && view.status === 'mitigated'
        ? view
        : undefined;
    });
    expect(updated.title).toBe('Queue backlog');
  });

  it('puts a work note written in ServiceNow on the platform timeline', async () => {
    const created = await linkedIncident({ title: 'Payment retries' });
    const edit = await sim.editAsPerson(created.sysId, {
      work_notes: 'Rolled back release 4.2.1',
    });
    expect(edit.status).toBe(200);
    const entry = await eventually(async () => {
      const res = await api('GET', `/v1/incidents/${created.id}/timeline`);
      const items = (res.body.items ?? res.body) as Array<{ text: string }>;
      return items.find(e => e.text.includes('Rolled back release 4.2.1'));
    });
    expect(entry).toBeDefined();
  });

  it('ignores a ServiceNow edit of a platform-owned field', async () => {
    const created = await linkedIncident({ title: 'Login errors' });
    const edit = await sim.editAsPerson(created.sysId, {
      short_description: 'Renamed in ServiceNow',
      assigned_to: 'Beth Anglin',
    });
    expect(edit.status).toBe(200);
    await eventually(
      async () => (await incident(created.id)).assigned_to === 'Beth Anglin',
    );
    expect((await incident(created.id)).title).toBe('Login errors');
  });

  it('refuses a wrongly signed webhook with 401 and changes nothing', async () => {
    const created = await linkedIncident({ title: 'Cache stampede' });
    sim.setWebhookTarget({
      url: `${base}/v1/webhooks/${integration.id}`,
      secret: 'not-the-configured-secret',
    });
    try {
      const edit = await sim.editAsPerson(created.sysId, {
        assigned_to: 'Beth Anglin',
        state: '2',
      });
      expect(edit.status).toBe(401);
    } finally {
      sim.setWebhookTarget({
        url: `${base}/v1/webhooks/${integration.id}`,
        secret: SECRET,
      });
    }
    const replay = sim.lastWebhook()!;
    const unsigned = await fetch(`${base}/v1/webhooks/${integration.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: mockCredentials.none.header(),
      },
      body: replay.rawBody,
    });
    expect(unsigned.status).toBe(401);
    const view = await incident(created.id);
    expect(view.assigned_to).toBeNull();
    expect(view.status).toBe('open');
  });
});
