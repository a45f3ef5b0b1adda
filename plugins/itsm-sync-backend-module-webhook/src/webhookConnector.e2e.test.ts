import {
  eventually as pollUntil,
  type EventualCheck,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import request from 'supertest';
import itsmSyncModuleWebhook from './index';
import { LoopbackItsm } from './testing/LoopbackItsm';

jest.setTimeout(60_000);

const base = '/api/itsm-sync';

function settings(overrides: Record<string, unknown> = {}) {
  return {
    provider: 'Loopback ITSM',
    create_method: 'POST',
    create_url: '/rest/api/tickets',
    auth_type: 'basic',
    additional_headers: { 'X-Tenant': 'acme' },
    body_format: 'json',
    create_payload:
      '{"fields": {"summary": "[$severity] $case_name", "description": "$description", "status": "$itsm_status", "labels": ["$dedup_key"]}}',
    ticket_id_field: 'data[0].id',
    ticket_key_field: 'data[0].key',
    update_url: '/rest/api/tickets/$ticket_id',
    update_method: 'PUT',
    update_payload:
      '{"fields": {"summary": "$case_name", "status": "$itsm_status", "priority": $priority}}',
    status_mapping: {
      OPEN: 'open',
      'In Progress': 'open',
      Resolved: 'resolved',
      Done: 'closed',
    },
    severity_mapping: { 'SEV-1': 'Highest', 'SEV-2': 'High' },
    notes_url: '/rest/api/tickets/$ticket_id/comments',
    notes_payload: '{"body": "$note_text"}',
    ...overrides,
  };
}

const eventually = <T>(
  check: EventualCheck<T>,
  what: string,
  timeoutMs = 5000,
) => pollUntil(check, what, timeoutMs);

describe('itsm-webhook connector on the in-process backend', () => {
  let itsm: LoopbackItsm;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: ReturnType<typeof request>;

  beforeAll(async () => {
    itsm = await LoopbackItsm.start();
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        itsmSyncModuleWebhook,
        mockServices.rootConfig.factory({
          data: {
            itsmSync: {
              encryption: { key: '1f'.repeat(32) },
              dispatcher: { pollIntervalMs: 50 },
              outbound: testOutboundConfig,
            },
          },
        }),
      ],
    });
    api = request(backend.server);
  });
  afterAll(async () => {
    await backend?.stop();
    await itsm?.close();
  });

  async function createIntegration(overrides: Record<string, unknown> = {}) {
    const res = await api.post(`${base}/v1/integrations`).send({
      // One ITSM webhook per organization: each integration of the suite has its own.
      organization_id: `org-${Math.random().toString(36).slice(2, 8)}`,
      integration_type: 'itsm-webhook',
      name: `itsm-${Math.random().toString(36).slice(2, 8)}`,
      base_url: itsm.baseUrl,
      credentials: { username: 'svc-itsm', password: 'pa:ss' },
      settings: settings(overrides),
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  }

  async function createIncident(body: Record<string, unknown>) {
    const res = await api
      .post(`${base}/v1/incidents`)
      .send({ severity: 'SEV-2', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  }

  async function linkedTicket(incidentId: string) {
    return eventually(async () => {
      const res = await api.get(`${base}/v1/incidents/${incidentId}`);
      return res.body.links[0]?.external_id ? res.body.links[0] : undefined;
    }, 'the ticket to be created');
  }

  function callback(
    integrationId: string,
    body: unknown,
    headers: Record<string, string>,
  ) {
    const req = api
      .post(`${base}/v1/webhooks/${integrationId}`)
      .set('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(JSON.stringify(body));
  }

  async function statusOf(incidentId: string) {
    return (await api.get(`${base}/v1/incidents/${incidentId}`)).body.status;
  }

  it('refuses settings with an unknown variable, invalid JSON or no ticket id field, naming the problem', async () => {
    const before = (await api.get(`${base}/v1/integrations`)).body.items.length;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { create_payload: '{"summary": "$case_title"}' },
        /create_payload uses unknown variable \$case_title/,
      ],
      [
        { update_payload: '{"summary": "$case_name",' },
        /update_payload is not valid JSON/,
      ],
      [{ ticket_id_field: '' }, /ticket_id_field is required/],
      [{ create_url: 'ftp://itsm.example/x' }, /create_url/],
      [
        { update_method: 'DELETE' },
        /update_method 'DELETE' is not one of POST, PUT, PATCH/,
      ],
      [
        { status_mapping: { Done: 'finished' } },
        /status_mapping.Done: 'finished' is not a case status/,
      ],
    ];
    for (const [override, message] of cases) {
      const res = await api.post(`${base}/v1/integrations`).send({
        organization_id: 'acme-corp',
        integration_type: 'itsm-webhook',
        name: 'bad-settings',
        base_url: itsm.baseUrl,
        credentials: { token: 't' },
        settings: settings(override),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await api.get(`${base}/v1/integrations`)).body.items.length).toBe(
      before,
    );
  });

  it('allows one ITSM webhook integration per organization, and says to edit the existing one', async () => {
    const first = await api.post(`${base}/v1/integrations`).send({
      organization_id: 'one-itsm-org',
      integration_type: 'itsm-webhook',
      name: 'one-itsm-first',
      base_url: itsm.baseUrl,
      credentials: { token: 't' },
      settings: settings(),
    });
    expect(first.status).toBe(201);
    const second = await api.post(`${base}/v1/integrations`).send({
      organization_id: 'one-itsm-org',
      integration_type: 'itsm-webhook',
      name: 'one-itsm-second',
      base_url: itsm.baseUrl,
      credentials: { token: 't' },
      settings: settings(),
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe(
      "Only one itsm-webhook integration is allowed per organization: 'one-itsm-org' already has 'one-itsm-first'; edit it instead of creating another",
    );
    expect(
      (await api.get(`${base}/v1/integrations/one-itsm-second`)).status,
    ).toBe(404);
    // Editing the one there is stays possible.
    const edited = await api
      .patch(`${base}/v1/integrations/one-itsm-first`)
      .send({ settings: { provider: 'ServiceDesk' } });
    expect(edited.status).toBe(200);
  });

  it('creates the ticket with a hostile title as valid JSON and reads the nested ticket id', async () => {
    const integration = await createIntegration();
    const title =
      'DB down "prod" \\ path\nline2 "},"x":"injected 🚨 \u2028 end';
    const incident = await createIncident({
      title,
      description: 'says "hi"\t\\',
      integrations: [integration.name],
    });
    const link = await linkedTicket(incident.id);
    expect(link.external_id).toMatch(/^T-\d+$/);
    expect(link.external_key).toMatch(/^OPS-\d+$/);
    const created = itsm.requests
      .filter(r => r.method === 'POST' && r.path === '/rest/api/tickets')
      .pop()!;
    expect(Object.keys(created.body)).toEqual(['fields']);
    expect(created.body.fields).toEqual({
      summary: `[SEV-2] ${title}`,
      description: 'says "hi"\t\\',
      status: 'OPEN',
      labels: [expect.stringMatching(/^itsm-/)],
    });
    expect(created.headers.authorization).toBe(
      `Basic ${Buffer.from('svc-itsm:pa:ss').toString('base64')}`,
    );
    expect(created.headers['x-tenant']).toBe('acme');
  });

  it('accepts status callbacks only with a live token of the same integration', async () => {
    const integration = await createIntegration();
    const other = await createIntegration();
    const incident = await createIncident({
      title: 'Callback case',
      integrations: [integration.name],
    });
    const { external_id: ticketId } = await linkedTicket(incident.id);

    const issue = (id: string, app: string) =>
      api
        .post(`${base}/v1/integrations/${id}/callback-tokens`)
        .send({ app_name: app, description: 'inbound status' });
    const first = await issue(integration.id, 'Loopback production');
    const second = await issue(integration.id, 'Loopback rotation');
    const foreign = await issue(other.id, 'Other integration');
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^itsmcb_[A-Za-z0-9_-]{43}$/);
    expect(first.body).toMatchObject({
      app_name: 'Loopback production',
      state: 'active',
    });

    const listed = await api.get(
      `${base}/v1/integrations/${integration.id}/callback-tokens`,
    );
    expect(listed.body.items.map((t: any) => t.app_name).sort()).toEqual([
      'Loopback production',
      'Loopback rotation',
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(first.body.token);
    expect(JSON.stringify(listed.body)).not.toContain(second.body.token);

    // Backstage's auth middleware lets the callback's own Bearer token through to the connector.
    const ok = await callback(
      integration.id,
      { ticket_id: ticketId, status: 'Resolved', event_id: 'e-1' },
      {
        authorization: `Bearer ${first.body.token}`,
      },
    );
    expect(ok.status).toBe(200);
    await eventually(
      async () => (await statusOf(incident.id)) === 'resolved',
      'the callback to apply',
    );
    // The token list tells which token the ITSM uses.
    const lastUsed = async (tokenId: string) =>
      (
        await api.get(
          `${base}/v1/integrations/${integration.id}/callback-tokens`,
        )
      ).body.items.find((t: any) => t.id === tokenId).last_used_at;
    expect(Date.parse(await lastUsed(first.body.id))).toBeGreaterThan(
      Date.now() - 60_000,
    );
    expect(await lastUsed(second.body.id)).toBeNull();

    const revoke = await api.delete(
      `${base}/v1/integrations/${integration.id}/callback-tokens/${first.body.id}`,
    );
    expect(revoke.status).toBe(204);
    const refused: Array<Record<string, string>> = [
      { authorization: `Bearer ${first.body.token}` },
      { 'x-callback-token': first.body.token },
      { authorization: `Bearer itsmcb_${'A'.repeat(43)}` },
      { 'x-callback-token': foreign.body.token },
      {},
    ];
    for (const [i, headers] of refused.entries()) {
      const res = await callback(
        integration.id,
        { ticket_id: ticketId, status: 'Done', event_id: `bad-${i}` },
        headers,
      );
      expect(res.status).toBe(401);
    }
    expect(await statusOf(incident.id)).toBe('resolved');

    const rotated = await callback(
      integration.id,
      { ticket_id: ticketId, status: 'done', event_id: 'e-2' },
      {
        'x-callback-token': second.body.token,
      },
    );
    expect(rotated.status).toBe(200);
    await eventually(
      async () => (await statusOf(incident.id)) === 'closed',
      'the rotated token to be accepted',
    );
    expect(Date.parse(await lastUsed(second.body.id))).toBeGreaterThan(
      Date.now() - 60_000,
    );
    const tokens = (
      await api.get(`${base}/v1/integrations/${integration.id}/callback-tokens`)
    ).body.items;
    expect(tokens.find((t: any) => t.id === first.body.id).state).toBe(
      'revoked',
    );
    expect(
      (
        await api.delete(
          `${base}/v1/integrations/${integration.id}/callback-tokens/${first.body.id}`,
        )
      ).status,
    ).toBe(404);
  });

  it('syncs with the ITSM on demand and refuses a second manual sync in the cooldown', async () => {
    const integration = await createIntegration();
    const incident = await createIncident({
      title: 'Manual sync case',
      severity: 'SEV-1',
    });
    const first = await api.post(
      `${base}/v1/integrations/${integration.id}/incidents/${incident.id}/sync`,
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      incident_id: incident.id,
      integration_id: integration.id,
    });
    expect(first.body.external_id).toMatch(/^T-\d+$/);
    expect(
      Date.parse(first.body.cooldown_until) - Date.parse(first.body.synced_at),
    ).toBeGreaterThan(590_000);

    const second = await api.post(
      `${base}/v1/integrations/${integration.id}/incidents/${incident.id}/sync`,
    );
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(590);
    expect(second.body.retry_after_seconds).toBe(
      Number(second.headers['retry-after']),
    );
    expect(second.body.error.message).toMatch(
      /next manual sync is allowed in \d+ s/,
    );
  });

  it('holds automatic updates inside the cooldown and delivers them, coalesced, once it ends', async () => {
    const integration = await createIntegration({
      manual_sync_cooldown_seconds: 2,
    });
    const incident = await createIncident({
      title: 'Held update case',
      severity: 'SEV-1',
    });
    const first = await api.post(
      `${base}/v1/integrations/${integration.id}/incidents/${incident.id}/sync`,
    );
    expect(first.status).toBe(200);
    const ticketPuts = () =>
      itsm.requests.filter(
        r =>
          r.method === 'PUT' &&
          r.path === `/rest/api/tickets/${first.body.external_id}`,
      );
    const before = ticketPuts().length;

    await api
      .patch(`${base}/v1/incidents/${incident.id}`)
      .send({ title: 'Held update case (updated)' });
    await api
      .patch(`${base}/v1/incidents/${incident.id}`)
      .send({ status: 'resolved' });
    await new Promise(r => setTimeout(r, 1000));
    // Still inside the cooldown: nothing went out, and nothing was dropped.
    expect(ticketPuts().length).toBe(before);

    const put = await eventually(
      async () => ticketPuts()[before],
      'the held updates after the cooldown',
    );
    expect(Date.parse(first.body.cooldown_until)).toBeLessThanOrEqual(
      Date.now(),
    );
    expect(put.body.fields).toEqual({
      summary: 'Held update case (updated)',
      status: 'Resolved',
      priority: 'Highest',
    });
    await new Promise(r => setTimeout(r, 300));
    expect(ticketPuts().length).toBe(before + 1);
  });

  it('allows the next manual sync once the cooldown ends and updates the existing ticket', async () => {
    const integration = await createIntegration({
      manual_sync_cooldown_seconds: 1,
    });
    const incident = await createIncident({
      title: 'Short cooldown',
      integrations: [integration.name],
    });
    const { external_id: ticketId } = await linkedTicket(incident.id);
    const url = `${base}/v1/integrations/${integration.id}/incidents/${incident.id}/sync`;
    expect((await api.post(url)).status).toBe(200);
    const refused = await api.post(url);
    expect(refused.status).toBe(429);
    expect(refused.body.retry_after_seconds).toBe(1);
    await new Promise(r => setTimeout(r, 1100));
    const puts = () =>
      itsm.requests.filter(
        r => r.method === 'PUT' && r.path === `/rest/api/tickets/${ticketId}`,
      ).length;
    const before = puts();
    const again = await api.post(url);
    expect(again.status).toBe(200);
    expect(again.body.external_id).toBe(ticketId);
    expect(puts()).toBe(before + 1);
  });

  it('keeps the webhook route reachable without Backstage credentials', async () => {
    const integration = await createIntegration();
    const res = await api
      .post(`${base}/v1/webhooks/${integration.id}`)
      .set('authorization', mockCredentials.none.header())
      .set('content-type', 'application/json')
      .send('{"ticket_id":"x","status":"Done"}');
    // Refused by the connector (no callback token), not by Backstage auth; the reason is logged, not told.
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      name: 'AuthenticationError',
      message: 'Webhook refused',
    });
  });
});
