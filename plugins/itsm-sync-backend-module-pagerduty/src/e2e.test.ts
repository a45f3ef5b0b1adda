import {
  eventually,
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  deliverEveryPagerDutyEvent,
  PagerDutySimulator,
} from '@itsm-sync-hub/simulators';
import { IGNORED_PAGERDUTY_EVENTS } from './mapping/webhookEvent';
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
    const created = await api('POST', '/v1/incidents', {
      title,
      severity: 'SEV-2',
      integrations: [integration.name],
    });
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
          data: {
            itsmSync: {
              encryption: { key: 'ab'.repeat(32) },
              dispatcher: { pollIntervalMs: 50 },
              outbound: testOutboundConfig,
            },
          },
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
      settings: {
        from_email: 'alice@example.com',
        default_service_id: 'PSVC001',
        sync_escalations: true,
      },
    });
    if (created.status !== 201)
      throw new Error(
        `integration not created: ${JSON.stringify(created.body)}`,
      );
    creationAnswer = JSON.stringify(created.body);
    integration = created.body;
    sim.setWebhookTarget({
      url: `${base}/v1/webhooks/${integration.id}`,
      secret: SECRET,
    });
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
    expect(pd).toMatchObject({
      title: 'Checkout errors',
      urgency: 'high',
      service_id: 'PSVC001',
      status: 'triggered',
    });
    expect(pd.incident_key).toBeTruthy();
    const action = await sim.acknowledge(incident.externalId, 'PUSR002');
    expect(action.delivery).toBeGreaterThanOrEqual(200);
    expect(action.delivery).toBeLessThan(300);
    await eventually(
      async () =>
        (await api('GET', `/v1/incidents/${incident.id}`)).body.status ===
        'mitigated',
    );
  });

  it('creates a platform incident for an incident triggered in PagerDuty', async () => {
    const action = await sim.trigger({
      title: 'Payments gateway timeouts',
      urgency: 'low',
      details: 'from Datadog',
    });
    expect(action.delivery).toBeLessThan(300);
    const found = await eventually(async () => {
      const list = await api('GET', '/v1/incidents');
      return (list.body.items as any[]).find(
        i => i.title === 'Payments gateway timeouts',
      );
    });
    expect(found).toMatchObject({
      severity: 'SEV-3',
      status: 'open',
      description: 'from Datadog',
    });
  });

  const incidentView = async (id: string) =>
    (await api('GET', `/v1/incidents/${id}`)).body;
  const timelineTexts = async (id: string) => {
    const res = await api('GET', `/v1/incidents/${id}/timeline`);
    return ((res.body.items ?? res.body) as any[]).map(e => e.text as string);
  };

  it('logs an escalation on the incident timeline, takes the new assignee and, with sync_escalations, the policy', async () => {
    const incident = await linkedIncident('Database failover');
    const action = await sim.escalate(incident.externalId);
    expect(action.delivery).toBe(200);
    const text = await eventually(async () =>
      (await timelineTexts(incident.id)).find(t =>
        /Escalated in PagerDuty/.test(t),
      ),
    );
    expect(text).toMatch(/now assigned to Carol Diaz/);
    await eventually(
      async () =>
        (await incidentView(incident.id)).assigned_to === 'carol@example.com',
    );
    expect((await incidentView(incident.id)).escalation_policy).toBe('PEPL001');
  });

  it('takes a delegation to another escalation policy: the policy, the new assignee and a timeline line', async () => {
    const incident = await linkedIncident('Broker partition');
    expect((await sim.delegate(incident.externalId, 'PEPL002')).delivery).toBe(
      200,
    );
    await eventually(async () => {
      const view = await incidentView(incident.id);
      return (
        view.escalation_policy === 'PEPL002' &&
        view.assigned_to === 'bob@example.com'
      );
    });
    expect(await timelineTexts(incident.id)).toContainEqual(
      expect.stringMatching(
        /^Delegated in PagerDuty by Alice Ng to escalation policy Infrastructure escalation/,
      ),
    );
  });

  it('takes a priority set in PagerDuty (incident.priority_updated) as the severity', async () => {
    const incident = await linkedIncident('Search degraded');
    expect((await sim.changePriority(incident.externalId, 'P4')).delivery).toBe(
      200,
    );
    await eventually(
      async () => (await incidentView(incident.id)).severity === 'SEV-4',
    );
    expect((await sim.changePriority(incident.externalId, 'P1')).delivery).toBe(
      200,
    );
    await eventually(
      async () => (await incidentView(incident.id)).severity === 'SEV-1',
    );
  });

  it('answers every documented event type 2xx, acting on each or counting why not in sync-status', async () => {
    const events = await deliverEveryPagerDutyEvent(sim, {
      title: 'Every PagerDuty event',
    });
    for (const { eventType, delivery } of events)
      expect({ eventType, delivery }).toEqual({
        eventType,
        delivery: expect.any(Number),
      });
    for (const { eventType, delivery } of events)
      expect({
        eventType,
        ok: (delivery as number) >= 200 && (delivery as number) < 300,
      }).toEqual({ eventType, ok: true });

    const found = await eventually(async () => {
      const list = await api('GET', '/v1/incidents');
      return (list.body.items as any[]).find(
        i => i.title === 'Every PagerDuty event',
      );
    });
    const texts = await eventually(async () => {
      const all = await timelineTexts(found.id);
      return all.some(t => /Moved to PagerDuty service/.test(t))
        ? all
        : undefined;
    });
    expect(texts).toEqual(
      expect.arrayContaining([
        'Status update in PagerDuty by Alice Ng: A fix is being rolled out',
        'Conference bridge in PagerDuty: +1 555-0100,,123456#, https://meet.example.com/war-room',
        'Responder requested in PagerDuty by Alice Ng: Carol Diaz via Checkout escalation: Please join the bridge',
        'Carol Diaz answered the responder request in PagerDuty: joined',
        'Rolled back the deploy',
        expect.stringMatching(/^Escalated in PagerDuty/),
        expect.stringMatching(/^Delegated in PagerDuty/),
      ]),
    );
    await eventually(async () => {
      const view = await incidentView(found.id);
      return (
        view.status === 'open' &&
        view.severity === 'SEV-1' &&
        view.escalation_policy === 'PEPL002'
      );
    });
    expect((await incidentView(found.id)).description).toBe(
      'Driven through every event',
    );

    const status = await api(
      'GET',
      `/v1/integrations/${integration.id}/sync-status`,
    );
    expect(status.status).toBe(200);
    const ignored = new Map(
      (status.body.ignored_events as any[]).map(e => [e.event_type, e]),
    );
    for (const [type, reason] of Object.entries(IGNORED_PAGERDUTY_EVENTS)) {
      expect(ignored.get(type)).toMatchObject({
        reason,
        count: expect.any(Number),
      });
    }
    expect(ignored.get('incident.workflow.started').last_external_id).toBe(
      (await incidentView(found.id)).links[0].external_id,
    );
  });

  it('checks any event of the catalogue on the signature test route, saying what it would do', async () => {
    const captured: Array<{
      type: string;
      webhook: { rawBody: Buffer; headers: Record<string, string> };
    }> = [];
    sim.setWebhookTarget({ secret: SECRET });
    try {
      for (const { eventType, webhook } of await deliverEveryPagerDutyEvent(
        sim,
        { title: 'Tested only' },
      ))
        captured.push({ type: eventType, webhook });
    } finally {
      sim.setWebhookTarget({
        url: `${base}/v1/webhooks/${integration.id}`,
        secret: SECRET,
      });
    }
    for (const { type, webhook } of captured) {
      const res = await fetch(`${base}/v1/webhooks/${integration.id}/test`, {
        method: 'POST',
        headers: webhook.headers,
        body: webhook.rawBody,
      });
      const body = await res.json();
      expect({ type, status: res.status, valid: body.valid }).toEqual({
        type,
        status: 200,
        valid: true,
      });
      expect(body.changes + body.ignored.length).toBe(1);
    }
    const list = await api('GET', '/v1/incidents');
    expect(
      (list.body.items as any[]).some(i => i.title === 'Tested only'),
    ).toBe(false);
  });

  it('refuses a delivery signed only with a rotated-out secret, and changes nothing', async () => {
    const incident = await linkedIncident('Cache stampede');
    sim.setWebhookTarget({
      url: `${base}/v1/webhooks/${integration.id}`,
      secrets: [OLD_SECRET],
    });
    try {
      const action = await sim.resolve(incident.externalId);
      expect(action.delivery).toBe(401);
    } finally {
      sim.setWebhookTarget({
        url: `${base}/v1/webhooks/${integration.id}`,
        secret: SECRET,
      });
    }
    expect((await api('GET', `/v1/incidents/${incident.id}`)).body.status).toBe(
      'open',
    );
  });

  it('answers who is on call for a schedule', async () => {
    const res = await api(
      'GET',
      `/v1/integrations/${integration.id}/oncall?schedule_id=PSCH001`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({
      user: 'Alice Ng',
      email: 'alice@example.com',
      escalationLevel: 1,
    });
  });

  it('answers 400 to a malformed schedule id, without asking PagerDuty', async () => {
    const res = await api(
      'GET',
      `/v1/integrations/${integration.id}/oncall?schedule_id=not%20an%20id`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not a PagerDuty schedule id/);
  });
});
