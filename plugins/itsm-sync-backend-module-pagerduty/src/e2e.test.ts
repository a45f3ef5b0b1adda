import { eventually, jsonApi, testOutboundConfig } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { PagerDutySimulator } from '@itsm-sync-hub/simulators';
import type { AddressInfo } from 'node:net';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import pagerDutyModule from './index';

jest.setTimeout(60_000);

const SECRET = 'pd-e2e-signing-secret-new';
const OLD_SECRET = 'pd-e2e-signing-secret-old';

describe('PagerDuty end to end on the in-process backend', () => {
  let sim: PagerDutySimulator;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;
  let integration: { id: string; name: string };
  /** The hub's answer to the integration's creation, as JSON; checked in a test of its own. */
  let creationAnswer: string;

  const api = jsonApi(() => base);

  const linkedIncident = async (title: string) => {
    const created = await api('POST', '/v1/incidents', { title, severity: 'SEV-2', integrations: [integration.name] });
    expect(created.status).toBe(201);
    const externalId = await eventually(async () => {
      const view = await api('GET', `/v1/incidents/${created.body.id}`);
      return view.body.links?.[0]?.external_id as string | undefined;
    });
    return { id: created.body.id as string, externalId };
  };

  beforeAll(async () => {
    sim = await PagerDutySimulator.start();
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        pagerDutyModule,
        mockServices.rootConfig.factory({
          data: { itsmSync: { encryption: { key: 'ab'.repeat(32) }, dispatcher: { pollIntervalMs: 50 }, outbound: testOutboundConfig } },
        }),
      ],
    });
    base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
    const created = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      integration_type: 'pagerduty',
      name: 'Production PagerDuty',
      base_url: sim.baseUrl,
      credentials: { token: sim.credentials.token },
      webhook_secrets: [SECRET],
      sync_direction: 'bidirectional',
      enabled: true,
      settings: { from_email: 'alice@example.com', default_service_id: 'PSVC001', sync_escalations: true },
    });
    if (created.status !== 201) throw new Error(`integration not created: ${JSON.stringify(created.body)}`);
    creationAnswer = JSON.stringify(created.body);
    integration = created.body;
    sim.setWebhookTarget({ url: `${base}/v1/webhooks/${integration.id}`, secret: SECRET });
  });

  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  it('keeps the API token out of the integration it answers the creation with', () => {
    expect(creationAnswer).not.toContain(sim.credentials.token);
  });

  it('opens a PagerDuty incident keyed by the hub, and an acknowledge there marks the platform incident mitigated', async () => {
    const incident = await linkedIncident('Checkout errors');
    const pd = sim.incident(incident.externalId);
    expect(pd).toMatchObject({ title: 'Checkout errors', urgency: 'high', service_id: 'PSVC001', status: 'triggered' });
    expect(pd.incident_key).toBeTruthy();
    const action = await sim.acknowledge(incident.externalId, 'PUSR002');
    expect(action.delivery).toBeGreaterThanOrEqual(200);
    expect(action.delivery).toBeLessThan(300);
    await eventually(async () => (await api('GET', `/v1/incidents/${incident.id}`)).body.status === 'mitigated');
  });

  it('creates a platform incident for an incident triggered in PagerDuty', async () => {
    const action = await sim.trigger({ title: 'Payments gateway timeouts', urgency: 'low', details: 'from Datadog' });
    expect(action.delivery).toBeLessThan(300);
    const found = await eventually(async () => {
      const list = await api('GET', '/v1/incidents');
      return (list.body.items as any[]).find(i => i.title === 'Payments gateway timeouts');
    });
    expect(found).toMatchObject({ severity: 'SEV-3', status: 'open', description: 'from Datadog' });
  });

  it('logs an escalation on the incident timeline and, with sync_escalations, takes the new policy', async () => {
    const incident = await linkedIncident('Database failover');
    const action = await sim.escalate(incident.externalId, { escalationPolicyId: 'PEPL002' });
    expect(action.delivery).toBeLessThan(300);
    const timeline = await eventually(async () => {
      const res = await api('GET', `/v1/incidents/${incident.id}/timeline`);
      const items = (res.body.items ?? res.body) as any[];
      return items.find(e => /Escalated in PagerDuty/.test(e.text));
    });
    expect(timeline.text).toMatch(/Infrastructure escalation/);
    await eventually(async () => (await api('GET', `/v1/incidents/${incident.id}`)).body.escalation_policy === 'PEPL002');
  });

  it('refuses a delivery signed only with a rotated-out secret, and changes nothing', async () => {
    const incident = await linkedIncident('Cache stampede');
    sim.setWebhookTarget({ url: `${base}/v1/webhooks/${integration.id}`, secrets: [OLD_SECRET] });
    try {
      const action = await sim.resolve(incident.externalId);
      expect(action.delivery).toBe(401);
    } finally {
      sim.setWebhookTarget({ url: `${base}/v1/webhooks/${integration.id}`, secret: SECRET });
    }
    expect((await api('GET', `/v1/incidents/${incident.id}`)).body.status).toBe('open');
  });

  it('answers who is on call for a schedule', async () => {
    const res = await api('GET', `/v1/integrations/${integration.id}/oncall?schedule_id=PSCH001`);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ user: 'Alice Ng', email: 'alice@example.com', escalationLevel: 1 });
  });
});
