import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PagerDutySimulator } from './index';

const ACCEPT = 'application/vnd.pagerduty+json;version=2';

describe('PagerDutySimulator', () => {
  let sim: PagerDutySimulator;
  const call = (
    path: string,
    init: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) =>
    fetch(`${sim.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Token token=${sim.credentials.token}`,
        accept: ACCEPT,
        'content-type': 'application/json',
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const create = (title: string, extra: Record<string, unknown> = {}) =>
    call('/incidents', {
      method: 'POST',
      headers: { from: 'alice@example.com' },
      body: {
        incident: {
          type: 'incident',
          title,
          service: { id: 'PSVC001', type: 'service_reference' },
          ...extra,
        },
      },
    });

  beforeEach(async () => {
    sim = await PagerDutySimulator.start({ maxPageSize: 3 });
  });
  afterEach(() => sim.stop());

  it('refuses a missing or wrong token with 401 and a PagerDuty error body', async () => {
    const res = await call('/abilities', {
      headers: { authorization: 'Token token=nope' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { message: 'Authentication failed', code: 2006, errors: [] },
    });
  });

  it('answers a write without the From header with 400 and says why', async () => {
    const res = await call('/incidents', {
      method: 'POST',
      body: {
        incident: {
          type: 'incident',
          title: 'x',
          service: { id: 'PSVC001', type: 'service_reference' },
        },
      },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe(2001);
    expect(body.error.message).toBe('Invalid Input Provided');
    expect(body.error.errors[0]).toMatch(/From header/);
    const unknown = await call('/incidents/PXXXXXX/notes', {
      method: 'POST',
      headers: { from: 'stranger@example.com' },
      body: { note: { content: 'hi' } },
    });
    expect((await unknown.json()).error.errors).toEqual([
      'Requester User Not Found',
    ]);
  });

  it('creates incidents with PagerDuty ids and refuses a second open one with the same incident_key', async () => {
    const res = await create('Disk full', {
      incident_key: 'key-1',
      urgency: 'low',
      body: { type: 'incident_body', details: 'sda1' },
    });
    expect(res.status).toBe(201);
    const { incident } = await res.json();
    expect(incident.id).toMatch(/^P[A-Z0-9]{6}$/);
    expect(incident).toMatchObject({
      status: 'triggered',
      urgency: 'low',
      incident_key: 'key-1',
      body: { details: 'sda1' },
    });
    expect(incident.assignments[0].assignee.id).toBe('PUSR001'); // on call at level 1
    const dup = await create('Disk full again', { incident_key: 'key-1' });
    expect(dup.status).toBe(400);
    expect((await dup.json()).error.errors[0]).toMatch(/matching dedup key/);
    // Once resolved, the key is free again.
    sim.state.update(incident.id, { status: 'resolved' }, 'PUSR001');
    expect(
      (await create('Disk full, third time', { incident_key: 'key-1' })).status,
    ).toBe(201);
  });

  it('pages incident listings with offset, limit, more and total, and filters', async () => {
    for (let i = 0; i < 5; i++)
      await create(`Incident ${i}`, { incident_key: `k${i}` });
    const first = await (await call('/incidents?limit=100&total=true')).json();
    expect(first).toMatchObject({ limit: 3, offset: 0, more: true, total: 5 });
    expect(first.incidents).toHaveLength(3);
    const second = await (await call('/incidents?limit=100&offset=3')).json();
    expect(second).toMatchObject({ more: false, total: null });
    expect(second.incidents.map((i: any) => i.title)).toEqual([
      'Incident 3',
      'Incident 4',
    ]);
    const byKey = await (await call('/incidents?incident_key=k2')).json();
    expect(byKey.incidents.map((i: any) => i.title)).toEqual(['Incident 2']);
    sim.state.update(
      byKey.incidents[0].id,
      { status: 'acknowledged' },
      'PUSR002',
    );
    const acked = await (
      await call('/incidents?statuses[]=acknowledged')
    ).json();
    expect(acked.incidents.map((i: any) => i.title)).toEqual(['Incident 2']);
    const future = await (
      await call(
        `/incidents?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      )
    ).json();
    expect(future.incidents).toEqual([]);
  });

  it('updates an incident with PUT and in bulk', async () => {
    const { incident } = await (await create('Slow')).json();
    const res = await call(`/incidents/${incident.id}`, {
      method: 'PUT',
      headers: { from: 'bob@example.com' },
      body: {
        incident: {
          type: 'incident',
          status: 'acknowledged',
          urgency: 'low',
          priority: { id: 'PPRI002', type: 'priority_reference' },
          escalation_policy: {
            id: 'PEPL002',
            type: 'escalation_policy_reference',
          },
        },
      },
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()).incident;
    expect(updated).toMatchObject({
      status: 'acknowledged',
      urgency: 'low',
      priority: { name: 'P2' },
      escalation_policy: { id: 'PEPL002' },
    });
    expect(updated.acknowledgements[0].acknowledger.id).toBe('PUSR002');
    const bulk = await call('/incidents', {
      method: 'PUT',
      headers: { from: 'bob@example.com' },
      body: {
        incidents: [
          { id: incident.id, type: 'incident_reference', status: 'resolved' },
        ],
      },
    });
    expect((await bulk.json()).incidents[0]).toMatchObject({
      status: 'resolved',
      assignments: [],
    });
    const missing = await call('/incidents/PNOPE00', {
      method: 'PUT',
      headers: { from: 'bob@example.com' },
      body: { incident: { type: 'incident', title: 'x' } },
    });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe(2100);
  });

  it('answers 429 with ratelimit-* headers past the budget', async () => {
    sim.server.setBudget(2);
    expect((await call('/abilities')).status).toBe(200);
    expect((await call('/abilities')).status).toBe(200);
    const limited = await call('/abilities');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-limit')).toBe('2');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect((await limited.json()).error).toMatchObject({
      code: 2020,
      message: 'Rate Limit Exceeded',
    });
  });

  it('lists who is on call for a schedule', async () => {
    const res = await (
      await call('/oncalls?schedule_ids[]=PSCH002&include[]=users')
    ).json();
    expect(res.oncalls).toHaveLength(1);
    expect(res.oncalls[0]).toMatchObject({
      escalation_level: 1,
      escalation_policy: { id: 'PEPL002' },
      schedule: { id: 'PSCH002' },
      user: { id: 'PUSR002', email: 'bob@example.com' },
    });
  });

  it('delivers a signed Webhooks v3 event for a change made as a person, one signature per secret', async () => {
    const received: Array<{ headers: any; body: Buffer }> = [];
    const hub: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>(r => hub.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/api/itsm-sync/v1/webhooks/x`;
      sim.setWebhookTarget({
        url,
        secrets: ['new-secret-123', 'old-secret-456'],
      });
      const { incident } = await (await create('Checkout down')).json();
      const admin = await fetch(
        `${sim.baseUrl}/__admin/incidents/${incident.id}/acknowledge`,
        { method: 'POST', body: '{"as":"bob@example.com"}' },
      );
      expect(admin.status).toBe(200);
      expect((await admin.json()).delivery).toBe(202);
      expect(received).toHaveLength(1);
      const { headers, body } = received[0];
      const sign = (s: string) =>
        `v1=${createHmac('sha256', s).update(body).digest('hex')}`;
      expect(headers['x-pagerduty-signature']).toBe(
        `${sign('new-secret-123')},${sign('old-secret-456')}`,
      );
      expect(headers['x-webhook-id']).toBeTruthy();
      const { event } = JSON.parse(body.toString('utf8'));
      expect(event).toMatchObject({
        event_type: 'incident.acknowledged',
        resource_type: 'incident',
        agent: { id: 'PUSR002', type: 'user_reference' },
        data: { id: incident.id, status: 'acknowledged', type: 'incident' },
      });
      expect(Date.parse(event.occurred_at)).not.toBeNaN();
    } finally {
      await new Promise(r => hub.close(r));
    }
  });

  it('escalates to the next level and captures the webhook when no URL is set', async () => {
    const { incident } = await (await create('Queue backlog')).json();
    const action = await sim.escalate(incident.id);
    expect(action.delivery).toBe('captured');
    expect(action.incident).toMatchObject({
      escalation_level: 2,
      assignee_ids: ['PUSR003'],
    });
    const event = JSON.parse(sim.lastWebhook()!.rawBody.toString('utf8')).event;
    expect(event.event_type).toBe('incident.escalated');
    expect(event.data.assignees.map((a: any) => a.id)).toEqual(['PUSR003']);
    const note = await sim.annotate(incident.id, 'Paged the DBA');
    const noted = JSON.parse(note.webhook.rawBody.toString('utf8')).event;
    expect(noted).toMatchObject({
      event_type: 'incident.annotated',
      data: {
        type: 'incident_note',
        content: 'Paged the DBA',
        incident: { id: incident.id },
      },
    });
  });
});
