import { eventually, jsonApi, testOutboundConfig } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { PagerDutySimulator, ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import type { AddressInfo } from 'node:net';
// The end-to-end test runs the real core plugin and a second vendor module; jest here cannot load them with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import serviceNowModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow';
import pagerDutyModule from './index';

jest.setTimeout(60_000);

const PD_SECRET = 'pd-fanout-signing-secret';
const SNOW_SECRET = 'snow-fanout-business-rule-secret';

describe('PagerDuty to ServiceNow fan-out on the in-process backend', () => {
  let pd: PagerDutySimulator;
  let snow: ServiceNowSimulator;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;
  let pdIntegration: { id: string; name: string };
  let snowIntegration: { id: string; name: string };

  const api = jsonApi(() => base);

  const createIntegration = async (body: Record<string, unknown>) => {
    const created = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      sync_direction: 'bidirectional',
      enabled: true,
      ...body,
    });
    if (created.status !== 201) throw new Error(`integration not created: ${JSON.stringify(created.body)}`);
    return created.body as { id: string; name: string };
  };

  /** Hub writes to a PagerDuty incident (REST API, not the simulator's admin routes). */
  const hubWritesTo = (pdId: string) =>
    pd.server.calls.filter(c => c.method !== 'GET' && !c.path.startsWith('/__admin') && c.path.includes(`/incidents/${pdId}`));

  beforeAll(async () => {
    pd = await PagerDutySimulator.start();
    snow = await ServiceNowSimulator.start();
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        pagerDutyModule,
        serviceNowModule,
        mockServices.rootConfig.factory({
          data: { itsmSync: { encryption: { key: 'ef'.repeat(32) }, dispatcher: { pollIntervalMs: 50 }, outbound: testOutboundConfig } },
        }),
      ],
    });
    base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
    pdIntegration = await createIntegration({
      integration_type: 'pagerduty',
      name: 'Fan-out PagerDuty',
      base_url: pd.baseUrl,
      credentials: { token: pd.credentials.token },
      webhook_secrets: [PD_SECRET],
      settings: { from_email: 'alice@example.com', default_service_id: 'PSVC001' },
    });
    snowIntegration = await createIntegration({
      integration_type: 'servicenow',
      name: 'Fan-out ServiceNow',
      base_url: snow.baseUrl,
      credentials: { username: snow.credentials.username, password: snow.credentials.password },
      webhook_secrets: [SNOW_SECRET],
    });
    pd.setWebhookTarget({ url: `${base}/v1/webhooks/${pdIntegration.id}`, secret: PD_SECRET });
    snow.setWebhookTarget({ url: `${base}/v1/webhooks/${snowIntegration.id}`, secret: SNOW_SECRET });
  });

  afterAll(async () => {
    await backend?.stop();
    await pd?.stop();
    await snow?.stop();
  });

  it('an acknowledge in PagerDuty marks the platform incident mitigated and puts the linked ServiceNow ticket On Hold', async () => {
    const created = await api('POST', '/v1/incidents', {
      title: 'Checkout errors across regions',
      severity: 'SEV-2',
      integrations: [pdIntegration.name, snowIntegration.name],
    });
    expect(created.status).toBe(201);
    const incidentId = created.body.id as string;

    const links = await eventually(async () => {
      const view = await api('GET', `/v1/incidents/${incidentId}`);
      const byIntegration = new Map<string, string>(
        ((view.body.links ?? []) as Array<{ integration_id: string; external_id?: string | null }>)
          .filter(l => l.external_id)
          .map(l => [l.integration_id, l.external_id!]),
      );
      const pdId = byIntegration.get(pdIntegration.id);
      const sysId = byIntegration.get(snowIntegration.id);
      return pdId && sysId ? { pdId, sysId } : undefined;
    });
    expect(pd.incident(links.pdId).status).toBe('triggered');
    expect(snow.incident(links.sysId)?.state).toBe('1');

    // Writes from here on are caused by the acknowledge or the edit below.
    const writesBefore = hubWritesTo(links.pdId).length;

    const action = await pd.acknowledge(links.pdId, 'PUSR002');
    expect(action.delivery).toBeGreaterThanOrEqual(200);
    expect(action.delivery).toBeLessThan(300);

    await eventually(async () => (await api('GET', `/v1/incidents/${incidentId}`)).body.status === 'mitigated');
    await eventually(async () => snow.incident(links.sysId)?.state === '3');

    // The change came from PagerDuty: the hub must not write it back there. A later platform
    // edit is a barrier: once it reaches PagerDuty, any write caused by the acknowledge (queued
    // before it) would have gone out too, so the only write since then must be the edit.
    expect((await api('PATCH', `/v1/incidents/${incidentId}`, { title: 'Checkout errors in eu-west' })).status).toBe(200);
    await eventually(async () => pd.incident(links.pdId).title === 'Checkout errors in eu-west');
    const writesSinceAck = hubWritesTo(links.pdId).slice(writesBefore);
    expect(writesSinceAck).toHaveLength(1);
    expect(writesSinceAck[0]).toMatchObject({ method: 'PUT', body: { incident: { title: 'Checkout errors in eu-west' } } });
    expect(JSON.stringify(writesSinceAck[0].body)).not.toContain('status');
    expect(pd.incident(links.pdId).status).toBe('acknowledged');
  });
});
