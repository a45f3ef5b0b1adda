import type { AddressInfo } from 'node:net';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import {
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  JiraSimulator,
  PagerDutySimulator,
  ServiceNowSimulator,
} from '@itsm-sync-hub/simulators';
// The end-to-end tests run the real core plugin and the other vendors' modules; jest here cannot load them with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import serviceNowModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import jiraModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-jira';
import pagerDutyModule from '../index';
import { integrationCreator } from './integrationCreator';

const PD_SECRET = 'pd-e2e-signing-secret';
const SNOW_SECRET = 'snow-e2e-business-rule-secret';
const JIRA_SECRET = 'jira-e2e-connect-shared-secret';

/**
 * The core plugin with the PagerDuty, ServiceNow and Jira modules on a loopback backend
 * over the given database, the three simulators, one two-way integration each, and every
 * simulator's webhooks pointed at the hub.
 */
export async function startThreeVendorHub(options: {
  /** The database, from `TestDatabases.init`. */
  knex: Awaited<ReturnType<TestDatabases['init']>>;
  features?: BackendFeature[];
  settings?: {
    pagerduty?: Record<string, unknown>;
    servicenow?: Record<string, unknown>;
    jira?: Record<string, unknown>;
  };
}) {
  const pd = await PagerDutySimulator.start();
  const snow = await ServiceNowSimulator.start();
  const jira = await JiraSimulator.start({
    webhook: { secret: JIRA_SECRET, scheme: 'jwt' },
  });
  const backend = await startTestBackend({
    features: [
      itsmSyncPlugin,
      pagerDutyModule,
      serviceNowModule,
      jiraModule,
      mockServices.database.factory({ knex: options.knex }),
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
  const origin = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  const base = `${origin}/api/itsm-sync`;
  const api = jsonApi(base);
  const createIntegration = integrationCreator(api);
  const pdIntegration = await createIntegration({
    integration_type: 'pagerduty',
    name: 'Collab PagerDuty',
    base_url: pd.baseUrl,
    credentials: { token: pd.credentials.token },
    webhook_secrets: [PD_SECRET],
    settings: {
      from_email: 'alice@example.com',
      default_service_id: 'PSVC001',
      ...options.settings?.pagerduty,
    },
  });
  const snowIntegration = await createIntegration({
    integration_type: 'servicenow',
    name: 'Collab ServiceNow',
    base_url: snow.baseUrl,
    credentials: {
      username: snow.credentials.username,
      password: snow.credentials.password,
    },
    webhook_secrets: [SNOW_SECRET],
    settings: { ...options.settings?.servicenow },
  });
  const jiraIntegration = await createIntegration({
    integration_type: 'jira',
    name: 'Collab Jira',
    base_url: jira.baseUrl,
    credentials: jira.credentials,
    webhook_secrets: [JIRA_SECRET],
    settings: {
      project_key: 'OPS',
      issue_type: 'Incident',
      jwt_issuer: jira.issuer,
      ...options.settings?.jira,
    },
  });
  // ServiceNow and Jira are seeded owning their notes (outbound notes held back); here notes flow both ways.
  for (const [integration, field] of [
    [snowIntegration, 'work_notes'],
    [jiraIntegration, 'comments'],
  ] as const) {
    const removed = await api(
      'DELETE',
      `/v1/integrations/${integration.id}/field-ownership/${field}`,
    );
    if (removed.status !== 200)
      throw new Error(`rule not removed: ${JSON.stringify(removed.body)}`);
  }
  pd.setWebhookTarget({
    url: `${base}/v1/webhooks/${pdIntegration.id}`,
    secret: PD_SECRET,
  });
  snow.setWebhookTarget({
    url: `${base}/v1/webhooks/${snowIntegration.id}`,
    secret: SNOW_SECRET,
  });
  jira.setWebhookTarget({
    url: `${base}/v1/webhooks/${jiraIntegration.id}`,
    secret: JIRA_SECRET,
    scheme: 'jwt',
    issuer: jira.issuer,
  });

  return {
    pd,
    snow,
    jira,
    api,
    pdIntegration,
    snowIntegration,
    jiraIntegration,
    async stop() {
      await backend.stop();
      await pd.stop();
      await snow.stop();
      await jira.stop();
    },
  };
}

export type ThreeVendorHub = Awaited<ReturnType<typeof startThreeVendorHub>>;
