import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { standardWebhookHeaders } from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  eventually,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import type { Knex } from 'knex';
import request from 'supertest';
import itsmSyncModuleWebhook from './index';
import { LoopbackItsm } from './testing/LoopbackItsm';

jest.setTimeout(60_000);

const base = '/api/itsm-sync';
const TENANT_KEY = 'tenant-key-7f3a9c1e55d04b2e';
const CALLBACK_SECRET = 'itsm-callback-signing-secret-1';

function settings(overrides: Record<string, unknown> = {}) {
  return {
    provider: 'Loopback ITSM',
    create_url: '/rest/api/tickets',
    auth_type: 'basic',
    additional_headers: { 'X-Tenant-Key': TENANT_KEY, 'X-Region': 'eu-1' },
    create_payload:
      '{"fields": {"summary": "$case_name", "status": "$itsm_status", "labels": ["$dedup_key"]}}',
    ticket_id_field: 'data[0].id',
    update_url: '/rest/api/tickets/$ticket_id',
    update_payload:
      '{"fields": {"summary": "$case_name", "status": "$itsm_status"}}',
    status_mapping: { OPEN: 'open', Resolved: 'resolved', Done: 'closed' },
    ...overrides,
  };
}

describe('templated webhook connector: sealed headers and signed callbacks', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let itsm: LoopbackItsm;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: ReturnType<typeof request>;
  let knex: Knex;

  beforeAll(async () => {
    itsm = await LoopbackItsm.start();
    knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        itsmSyncModuleWebhook,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            itsmSync: {
              encryption: { key: '2e'.repeat(32) },
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

  async function createIntegration(
    overrides: Record<string, unknown> = {},
    body: Record<string, unknown> = {},
  ) {
    const res = await api.post(`${base}/v1/integrations`).send({
      // One ITSM webhook per organization: each integration of the suite has its own.
      organization_id: `org-${Math.random().toString(36).slice(2, 8)}`,
      integration_type: 'itsm-webhook',
      name: `itsm-${Math.random().toString(36).slice(2, 8)}`,
      base_url: itsm.baseUrl,
      credentials: { username: 'svc-itsm', password: 'pa:ss' },
      settings: settings(overrides),
      ...body,
    });
    if (res.status !== 201)
      throw new Error(`integration not created: ${JSON.stringify(res.body)}`);
    return res;
  }

  describe('additional_headers', () => {
    it('are returned as names only by create, get, list and update, and stored only sealed', async () => {
      const created = await createIntegration();
      const id = created.body.id;
      const answers = [
        created.body,
        (await api.get(`${base}/v1/integrations/${id}`)).body,
        (await api.get(`${base}/v1/integrations`)).body,
        (
          await api
            .patch(`${base}/v1/integrations/${id}`)
            .send({ settings: { provider: 'Renamed ITSM' } })
        ).body,
      ];
      for (const answer of answers)
        expect(JSON.stringify(answer)).not.toContain(TENANT_KEY);
      expect(created.body.settings.additional_headers).toEqual([
        'X-Region',
        'X-Tenant-Key',
      ]);
      expect(answers[3].settings.additional_headers).toEqual([
        'X-Region',
        'X-Tenant-Key',
      ]);

      const row = await knex('integrations').where({ id }).first();
      expect(JSON.stringify(row)).not.toContain(TENANT_KEY);
      expect(JSON.stringify(row)).not.toContain('eu-1');
    });

    it('still reach the ITSM on every call, after an unrelated settings change too', async () => {
      const created = await createIntegration();
      await api
        .patch(`${base}/v1/integrations/${created.body.id}`)
        .send({ settings: { provider: 'Renamed again' } })
        .expect(200);
      const incident = await api.post(`${base}/v1/incidents`).send({
        title: 'Sealed headers',
        severity: 'SEV-2',
        integrations: [created.body.name],
      });
      expect(incident.status).toBe(201);
      const sent = await eventually(
        async () =>
          itsm.requests.find(
            r =>
              r.method === 'POST' &&
              JSON.stringify(r.body).includes('Sealed headers'),
          ),
        'the create call',
      );
      expect(sent.headers['x-tenant-key']).toBe(TENANT_KEY);
      expect(sent.headers['x-region']).toBe('eu-1');
    });

    it('are replaced as a whole by an update that names them, and removed by null', async () => {
      const created = await createIntegration();
      const id = created.body.id;
      const replaced = await api.patch(`${base}/v1/integrations/${id}`).send({
        settings: { additional_headers: { 'X-Other': 'other-secret-value' } },
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body.settings.additional_headers).toEqual(['X-Other']);
      expect(JSON.stringify(replaced.body)).not.toContain('other-secret-value');
      const removed = await api
        .patch(`${base}/v1/integrations/${id}`)
        .send({ settings: { additional_headers: null } });
      expect(removed.body.settings.additional_headers).toBeUndefined();
    });

    it('stored in the clear before sealing existed, are shown by name only and sealed by the reseal, and still sent', async () => {
      const created = await createIntegration({
        additional_headers: { 'X-Region': 'eu-1' },
      });
      const id = created.body.id;
      const row = await knex('integrations').where({ id }).first();
      const legacy = {
        ...JSON.parse(row.settings),
        additional_headers: { 'X-Tenant-Key': TENANT_KEY },
      };
      await knex('integrations')
        .where({ id })
        .update({ settings: JSON.stringify(legacy) });
      const shown = await api.get(`${base}/v1/integrations/${id}`);
      expect(shown.body.settings.additional_headers).toEqual(['X-Tenant-Key']);
      expect(JSON.stringify(shown.body)).not.toContain(TENANT_KEY);

      const report = await api.post(`${base}/v1/secrets/reseal`).send();
      expect(report.body.failed).toEqual([]);
      expect(
        JSON.stringify(await knex('integrations').where({ id }).first()),
      ).not.toContain(TENANT_KEY);

      const incident = await api.post(`${base}/v1/incidents`).send({
        title: 'Resealed headers',
        severity: 'SEV-2',
        integrations: [created.body.name],
      });
      expect(incident.status).toBe(201);
      const sent = await eventually(
        async () =>
          itsm.requests.find(
            r =>
              r.method === 'POST' &&
              JSON.stringify(r.body).includes('Resealed headers'),
          ),
        'the create call',
      );
      expect(sent.headers['x-tenant-key']).toBe(TENANT_KEY);
    });

    it('refuses a bad header with the reason and stores nothing of the request', async () => {
      const created = await createIntegration();
      const id = created.body.id;
      const before = await knex('integrations').where({ id }).first();
      const refused = await api
        .patch(`${base}/v1/integrations/${id}`)
        .send({ settings: { additional_headers: { 'Bad Header': 'v' } } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain('additional_headers');
      expect(await knex('integrations').where({ id }).first()).toEqual(before);
    });
  });

  describe('callbacks under webhook_signature_scheme: standard-webhooks', () => {
    async function linkedTicket() {
      const created = await createIntegration(
        { webhook_signature_scheme: 'standard-webhooks' },
        { webhook_secrets: [CALLBACK_SECRET] },
      );
      const incident = await api.post(`${base}/v1/incidents`).send({
        title: 'Signed callbacks',
        severity: 'SEV-2',
        integrations: [created.body.name],
      });
      const ticket = await eventually(async () => {
        const res = await api.get(`${base}/v1/incidents/${incident.body.id}`);
        return res.body.links[0]?.external_id as string | undefined;
      }, 'the ticket');
      return {
        integrationId: created.body.id as string,
        incidentId: incident.body.id as string,
        ticket,
      };
    }
    const send = (
      integrationId: string,
      raw: string,
      headers: Record<string, string>,
    ) => {
      const req = api
        .post(`${base}/v1/webhooks/${integrationId}`)
        .set('content-type', 'application/json');
      for (const [k, v] of Object.entries(headers)) req.set(k, v);
      return req.send(raw);
    };

    it('applies a signed callback once: the same delivery again is a duplicate, and a changed webhook-id is refused', async () => {
      const { integrationId, incidentId, ticket } = await linkedTicket();
      const raw = JSON.stringify({
        ticket_id: ticket,
        status: 'Resolved',
        event_id: 'body-id-ignored',
      });
      const headers = standardWebhookHeaders(CALLBACK_SECRET, 'msg_0001', raw);
      expect((await send(integrationId, raw, headers)).body).toMatchObject({
        applied: 1,
        duplicates: 0,
      });
      expect(
        (await api.get(`${base}/v1/incidents/${incidentId}`)).body.status,
      ).toBe('resolved');
      expect(
        (await send(integrationId, raw, { ...headers, 'x-request-id': 'new' }))
          .body,
      ).toMatchObject({ applied: 0, duplicates: 1 });
      expect(
        (
          await send(integrationId, raw, {
            ...headers,
            'webhook-id': 'msg_0002',
          })
        ).status,
      ).toBe(401);
    });

    it('refuses a callback signed outside the 5 minute window, or with only a callback token', async () => {
      const { integrationId, incidentId, ticket } = await linkedTicket();
      const raw = JSON.stringify({ ticket_id: ticket, status: 'Done' });
      const old = standardWebhookHeaders(
        CALLBACK_SECRET,
        'msg_old',
        raw,
        new Date(Date.now() - 6 * 60_000),
      );
      expect((await send(integrationId, raw, old)).status).toBe(401);
      const token = await api
        .post(`${base}/v1/integrations/${integrationId}/callback-tokens`)
        .send({ app_name: 'itsm' });
      expect(token.body.token).toEqual(expect.any(String));
      expect(
        (
          await send(integrationId, raw, {
            authorization: `Bearer ${token.body.token}`,
          })
        ).status,
      ).toBe(401);
      expect(
        (await api.get(`${base}/v1/incidents/${incidentId}`)).body.status,
      ).toBe('open');
    });
  });
});
