import {
  eventually,
  startCountingServer,
  testOutboundConfig,
  type CountingServer,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import request from 'supertest';
import itsmSyncModuleWebhook from './index';
import { LoopbackItsm } from './testing/LoopbackItsm';

jest.setTimeout(60_000);

const base = '/api/itsm-sync';

/**
 * SSRF and credential redirects through the templated webhook connector on a real hub:
 * `internal` listens on 127.0.0.5, outside the test allow-list (127.0.0.1, ::1), and
 * stands for a metadata service or admin console. Every attack must leave it unreached.
 */
describe('security: outbound calls of the templated webhook connector', () => {
  let itsm: LoopbackItsm;
  let internal: CountingServer;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: ReturnType<typeof request>;

  const settings = (overrides: Record<string, unknown> = {}) => ({
    provider: 'Loopback ITSM',
    create_url: '/rest/api/tickets',
    auth_type: 'basic',
    create_payload:
      '{"fields": {"summary": "$case_name", "labels": ["$dedup_key"]}}',
    ticket_id_field: 'data[0].id',
    update_url: '/rest/api/tickets/$ticket_id',
    update_payload: '{"fields": {"summary": "$case_name"}}',
    ...overrides,
  });

  async function integration(body: Record<string, unknown>) {
    return api.post(`${base}/v1/integrations`).send({
      // One ITSM webhook per organization: each integration of the suite has its own.
      organization_id: `org-${Math.random().toString(36).slice(2, 8)}`,
      integration_type: 'itsm-webhook',
      name: `itsm-${Math.random().toString(36).slice(2, 8)}`,
      base_url: itsm.baseUrl,
      credentials: { username: 'svc-itsm', password: 'stored-secret' },
      ...body,
      settings: settings(body.settings as Record<string, unknown>),
    });
  }

  beforeAll(async () => {
    itsm = await LoopbackItsm.start();
    internal = await startCountingServer('127.0.0.5', (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"data":[{"id":"AKIA-LEAKED-ROLE-CREDENTIALS"}]}');
    });
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        itsmSyncModuleWebhook,
        mockServices.rootConfig.factory({
          data: {
            itsmSync: {
              encryption: { key: '5e'.repeat(32) },
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
    await internal?.close();
  });

  it.each([
    ['dotted', (port: number) => `http://127.0.0.5:${port}/latest/meta-data/`],
    [
      'decimal',
      (port: number) => `http://2130706437:${port}/latest/meta-data/`,
    ],
    ['octal', (port: number) => `http://0177.0.0.5:${port}/latest/meta-data/`],
    [
      'IPv4-mapped',
      (port: number) => `http://[::ffff:127.0.0.5]:${port}/latest/meta-data/`,
    ],
  ])(
    'test_url at an internal address spelled %s: /test refused, 0 requests reached it',
    async (_spelling, url) => {
      const created = await integration({
        settings: { test_url: url(internal.port) },
      });
      expect(created.status).toBe(201);
      const res = await api.post(
        `${base}/v1/integrations/${created.body.id}/test`,
      );
      expect(res.body.ok).toBe(false);
      expect(res.body.message).toMatch(/refused by the outbound policy/);
      expect(internal.hits).toBe(0);
    },
  );

  it('base_url at an internal address: /test refused, 0 requests reached it', async () => {
    const created = await integration({
      base_url: internal.origin,
      settings: { test_url: '/health' },
    });
    expect(created.status).toBe(201);
    const res = await api.post(
      `${base}/v1/integrations/${created.body.id}/test`,
    );
    expect(res.body).toMatchObject({
      ok: false,
      message: expect.stringMatching(/loopback/),
    });
    expect(internal.hits).toBe(0);
  });

  it('lookup_url at an internal address: the delivery dead-letters, nothing is read back into links.external_id', async () => {
    const created = await integration({
      settings: {
        lookup_url: `http://127.0.0.5:${internal.port}/latest/meta-data/?k=$dedup_key`,
        lookup_ticket_id_field: 'data[0].id',
      },
    });
    expect(created.status).toBe(201);
    const incident = await api.post(`${base}/v1/incidents`).send({
      title: 'Disk full',
      severity: 'SEV-2',
      integrations: [created.body.name],
    });
    const [entry] = await eventually(
      async () => {
        const { items } = (
          await api.get(`${base}/v1/integrations/${created.body.id}/dlq`)
        ).body;
        return items.length ? items : undefined;
      },
      'a DLQ entry',
      5000,
    );
    expect(entry.last_error).toMatch(/refused by the outbound policy/);
    const view = (await api.get(`${base}/v1/incidents/${incident.body.id}`))
      .body;
    expect(view.links[0].external_id).toBeNull();
    expect(JSON.stringify(view)).not.toContain('AKIA-LEAKED');
    expect(internal.hits).toBe(0);
  });

  it('a redirect from an allowed vendor to an internal address is not followed: 0 requests reached it', async () => {
    const bouncer = await startCountingServer('127.0.0.1', (_req, res) => {
      res
        .writeHead(302, { location: `${internal.origin}/latest/meta-data/` })
        .end();
    });
    try {
      const created = await integration({
        settings: { test_url: `${bouncer.origin}/health` },
      });
      const res = await api.post(
        `${base}/v1/integrations/${created.body.id}/test`,
      );
      expect(res.body).toMatchObject({
        ok: false,
        message: expect.stringMatching(/answered 302/),
      });
      expect(bouncer.hits).toBe(1);
      expect(internal.hits).toBe(0);
    } finally {
      await bouncer.close();
    }
  });

  it.each([
    ['host', 'http://$dedup_key/latest/meta-data'],
    ['scheme and host', '$dedup_key/latest/meta-data'],
    ['port', 'http://127.0.0.1:$dedup_key/x'],
  ])(
    'a template whose %s is a placeholder is refused when saved',
    async (_part, lookupUrl) => {
      const res = await integration({
        settings: { lookup_url: lookupUrl, lookup_ticket_id_field: 'id' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /lookup_url must start with a literal scheme and host/,
      );
    },
  );

  it('credential redirect: moving base_url to another origin without credentials is refused, 0 secrets sent there', async () => {
    const collector = await startCountingServer('127.0.0.1');
    try {
      const created = await integration({ settings: { test_url: '/health' } });
      const moved = await api
        .patch(`${base}/v1/integrations/${created.body.id}`)
        .send({ base_url: collector.origin });
      expect(moved.status).toBe(400);
      const movedTemplate = await api
        .patch(`${base}/v1/integrations/${created.body.id}`)
        .send({ settings: { test_url: `${collector.origin}/collect` } });
      expect(movedTemplate.status).toBe(400);
      await api.post(`${base}/v1/integrations/${created.body.id}/test`);
      expect(collector.hits).toBe(0);
      expect(collector.authorizations).toEqual([]);
    } finally {
      await collector.close();
    }
  });
});
