import type { AddressInfo } from 'node:net';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  PagerDutySimulator,
  ServiceNowSimulator,
} from '@itsm-sync-hub/simulators';
// The end-to-end tests run the real core plugin and a second vendor module; jest here cannot load them with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import serviceNowModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow';
import pagerDutyModule from '../index';

const PD_SECRET = 'pd-e2e-signing-secret';
const SNOW_SECRET = 'snow-e2e-business-rule-secret';

/**
 * The core plugin with the PagerDuty and ServiceNow modules on a loopback backend, both
 * simulators, one integration each and the simulators' webhooks pointed at the hub.
 */
export async function startPagerDutyServiceNowHub(options: {
  /** Integration names; `{name} PagerDuty` and `{name} ServiceNow`. */
  name: string;
  pagerDutySettings?: Record<string, unknown>;
  features?: BackendFeature[];
}) {
  const pd = await PagerDutySimulator.start();
  const snow = await ServiceNowSimulator.start();
  const backend = await startTestBackend({
    features: [
      itsmSyncPlugin,
      pagerDutyModule,
      serviceNowModule,
      mockServices.rootConfig.factory({
        data: {
          itsmSync: {
            encryption: { key: 'ab'.repeat(32) },
            dispatcher: { pollIntervalMs: 50 },
            outbound: testOutboundConfig,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
  const api = jsonApi(base);
  const createIntegration = async (body: Record<string, unknown>) => {
    const created = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      sync_direction: 'bidirectional',
      enabled: true,
      ...body,
    });
    if (created.status !== 201)
      throw new Error(
        `integration not created: ${JSON.stringify(created.body)}`,
      );
    return created.body as { id: string; name: string };
  };
  const pdIntegration = await createIntegration({
    integration_type: 'pagerduty',
    name: `${options.name} PagerDuty`,
    base_url: pd.baseUrl,
    credentials: { token: pd.credentials.token },
    webhook_secrets: [PD_SECRET],
    settings: {
      from_email: 'alice@example.com',
      default_service_id: 'PSVC001',
      ...options.pagerDutySettings,
    },
  });
  const snowIntegration = await createIntegration({
    integration_type: 'servicenow',
    name: `${options.name} ServiceNow`,
    base_url: snow.baseUrl,
    credentials: {
      username: snow.credentials.username,
      password: snow.credentials.password,
    },
    webhook_secrets: [SNOW_SECRET],
  });
  pd.setWebhookTarget({
    url: `${base}/v1/webhooks/${pdIntegration.id}`,
    secret: PD_SECRET,
  });
  snow.setWebhookTarget({
    url: `${base}/v1/webhooks/${snowIntegration.id}`,
    secret: SNOW_SECRET,
  });

  return {
    pd,
    snow,
    api,
    pdIntegration,
    snowIntegration,
    async stop() {
      await backend.stop();
      await pd.stop();
      await snow.stop();
    },
  };
}

export type PagerDutyServiceNowHub = Awaited<
  ReturnType<typeof startPagerDutyServiceNowHub>
>;
