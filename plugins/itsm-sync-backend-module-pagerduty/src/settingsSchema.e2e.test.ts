import {
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import pagerDutyModule from './index';

describe('PagerDuty settings the hub asks for', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;
  const api = jsonApi(() => base);
  // The PagerDuty guide's step 1: no settings at all.
  const guideStep1 = (name: string, direction: string) => ({
    organization_id: 'acme-corp',
    integration_type: 'pagerduty',
    name,
    base_url: 'https://api.pagerduty.com',
    credentials: { token: 'pd-token-for-tests' },
    sync_direction: direction,
    enabled: true,
  });

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        pagerDutyModule,
        mockServices.rootConfig.factory({
          data: {
            itsmSync: {
              encryption: { key: 'ab'.repeat(32) },
              outbound: testOutboundConfig,
            },
          },
        }),
      ],
    });
    base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
  });
  afterAll(() => backend?.stop());

  it('GET /v1/connectors describes every setting, with what writes need', async () => {
    const { body } = await api('GET', '/v1/connectors');
    const pd = body.items.find((c: any) => c.type === 'pagerduty');
    expect(pd.settings_schema.properties.from_email).toMatchObject({
      title: 'From email',
      type: 'string',
      description: expect.stringContaining('From header'),
    });
    expect(pd.settings_schema.properties.sync_escalations.default).toBe(false);
    expect(pd.settings_schema['x-required-for-writes']).toEqual([
      ['from_email'],
      ['default_service_id', 'service_mappings'],
    ]);
  });

  it('refuses a sending integration without from_email, naming it, and stores nothing', async () => {
    const refused = await api(
      'POST',
      '/v1/integrations',
      guideStep1('pd-no-from', 'bidirectional'),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /settings\.from_email \(Email of a PagerDuty user.*\) is required/,
    );
    expect((await api('GET', '/v1/integrations/pd-no-from')).status).toBe(404);
  });

  it('refuses a sending integration with no service to open incidents on', async () => {
    const refused = await api('POST', '/v1/integrations', {
      ...guideStep1('pd-no-service', 'outbound'),
      settings: { from_email: 'alice@example.com' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /settings\.default_service_id .* or settings\.service_mappings .* is required/,
    );
  });

  it('accepts an inbound-only integration without them, and refuses turning on outbound until they are set', async () => {
    const created = await api(
      'POST',
      '/v1/integrations',
      guideStep1('pd-inbound', 'inbound'),
    );
    expect(created.status).toBe(201);
    const turnedOn = await api('PATCH', '/v1/integrations/pd-inbound', {
      sync_direction: 'bidirectional',
    });
    expect(turnedOn.status).toBe(400);
    expect(turnedOn.body.error.message).toMatch(/settings\.from_email/);
    expect(
      (await api('GET', '/v1/integrations/pd-inbound')).body.sync_direction,
    ).toBe('inbound');
    const fixed = await api('PATCH', '/v1/integrations/pd-inbound', {
      sync_direction: 'bidirectional',
      settings: {
        from_email: 'alice@example.com',
        default_service_id: 'PSVC001',
      },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.sync_direction).toBe('bidirectional');
    expect(fixed.body.last_test).toBeNull();

    // The connection test's answer is kept with the integration (the portal's Configured).
    const tested = await api('POST', '/v1/integrations/pd-inbound/test');
    expect(tested.body.ok).toBe(false);
    const after = await api('GET', '/v1/integrations/pd-inbound');
    expect(after.body.last_test).toMatchObject({
      ok: false,
      message: tested.body.message,
      at: expect.stringMatching(/^\d{4}-/),
    });
  });

  it('names a setting of the wrong type', async () => {
    const refused = await api('POST', '/v1/integrations', {
      ...guideStep1('pd-bad-type', 'inbound'),
      settings: { manual_sync_cooldown_seconds: 'ten' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      /^settings\.manual_sync_cooldown_seconds: /,
    );
  });
});
