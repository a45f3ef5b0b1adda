import { mockServices } from '@backstage/backend-test-utils';
import {
  startSyncTestBackend,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

describe('credentials follow their host', () => {
  let hub: SyncTestBackend;
  const events: Array<{
    eventId: string;
    severityLevel?: string;
    meta?: Record<string, unknown>;
    outcome?: string;
  }> = [];

  beforeAll(async () => {
    hub = await startSyncTestBackend({
      features: [
        mockServices.auditor.mock({
          createEvent: async options => {
            const event = {
              eventId: options.eventId,
              severityLevel: options.severityLevel,
              meta: options.meta as Record<string, unknown>,
            };
            events.push(event);
            return {
              success: async () =>
                void Object.assign(event, { outcome: 'success' }),
              fail: async () => void Object.assign(event, { outcome: 'fail' }),
            };
          },
        }).factory,
      ],
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const patch = (id: string, body: Record<string, unknown>) =>
    hub.api.patch(`${hub.base}/v1/integrations/${id}`).send(body);

  it('refuses moving base_url to another origin without the credentials, changes nothing, and audits it high', async () => {
    const integration = await hub.createIntegration();
    events.length = 0;
    const refused = await patch(integration.id, {
      base_url: 'https://attacker.example.net/api',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /credentials follow their host: .*https:\/\/attacker\.example\.net; supply credentials again/,
    );
    expect(
      (await hub.api.get(`${hub.base}/v1/integrations/${integration.id}`)).body
        .base_url,
    ).toBe(hub.vendor.baseUrl);
    expect(events).toEqual([
      expect.objectContaining({
        eventId: 'integration-update',
        severityLevel: 'high',
        outcome: 'fail',
        meta: expect.objectContaining({
          new_credential_origins: ['https://attacker.example.net'],
        }),
      }),
    ]);
  });

  it('accepts the move when the credentials are supplied again, audited high', async () => {
    const integration = await hub.createIntegration();
    events.length = 0;
    const moved = await patch(integration.id, {
      base_url: 'https://itsm.example.org',
      credentials: { token: 'new-token' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.base_url).toBe('https://itsm.example.org');
    expect(events[0]).toMatchObject({
      severityLevel: 'high',
      outcome: 'success',
    });
  });

  it('treats an absolute URL in the settings like base_url, and leaves same-origin changes alone', async () => {
    const integration = await hub.createIntegration({
      settings: { status_url: `${hub.vendor.baseUrl}/status` },
    });
    const elsewhere = await patch(integration.id, {
      settings: { status_url: 'http://169.254.169.254/latest/meta-data/' },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toMatch(/http:\/\/169\.254\.169\.254/);
    events.length = 0;
    const samePlace = await patch(integration.id, {
      base_url: `${hub.vendor.baseUrl}/v2`,
      settings: { status_url: `${hub.vendor.baseUrl}/health` },
    });
    expect(samePlace.status).toBe(200);
    expect(events[0]).toMatchObject({
      severityLevel: 'medium',
      outcome: 'success',
    });
  });

  it('refuses a base_url that carries a user name or password', async () => {
    const res = await hub.api.post(`${hub.base}/v1/integrations`).send({
      organization_id: 'acme-corp',
      integration_type: 'test',
      name: 'with-userinfo',
      base_url: 'https://admin:hunter2@itsm.example.com',
      credentials: { token: 't' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /base_url.*must not contain a user name or password/,
    );
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });
});
