import {
  eventually,
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import type { AddressInfo } from 'node:net';
// The end-to-end tests run the real core plugin; jest here cannot load it with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import serviceNowModule from '../index';

export { eventually };

/**
 * The core plugin with the ServiceNow module on an in-process backend, a ServiceNow
 * simulator, and one two-way integration whose business-rule webhooks reach the hub.
 */
export async function startServiceNowHub(options: {
  integrationName: string;
  secret: string;
}) {
  const sim = await ServiceNowSimulator.start();
  const backend = await startTestBackend({
    features: [
      itsmSyncPlugin,
      serviceNowModule,
      mockServices.rootConfig.factory({
        data: {
          itsmSync: {
            encryption: { key: 'cd'.repeat(32) },
            dispatcher: { pollIntervalMs: 50 },
            outbound: testOutboundConfig,
          },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;

  const api = jsonApi(base);

  const created = await api('POST', '/v1/integrations', {
    organization_id: 'acme-corp',
    integration_type: 'servicenow',
    name: options.integrationName,
    base_url: sim.baseUrl,
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
    },
    webhook_secrets: [options.secret],
    sync_direction: 'bidirectional',
    enabled: true,
  });
  if (created.status !== 201)
    throw new Error(`integration not created: ${JSON.stringify(created.body)}`);
  const integration = created.body as { id: string; name: string };
  sim.setWebhookTarget({
    url: `${base}/v1/webhooks/${integration.id}`,
    secret: options.secret,
  });

  return {
    sim,
    backend,
    base,
    integration,
    api,
    incident: async (id: string) =>
      (await api('GET', `/v1/incidents/${id}`)).body,
    async stop() {
      await backend.stop();
      await sim.stop();
    },
  };
}

export type ServiceNowHub = Awaited<ReturnType<typeof startServiceNowHub>>;
