import type { AddressInfo } from 'node:net';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  JiraSimulator,
  PagerDutySimulator,
  ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from '@itsm-sync-hub/simulators';
// The end-to-end tests run the real core plugin and a second vendor module; jest here cannot load them with import().
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
const JIRA_SECRET = 'jira-e2e-admin-webhook-secret';

/**
 * The core plugin with the PagerDuty and ServiceNow modules on a loopback backend, both
 * simulators, one integration each and the simulators' webhooks pointed at the hub; with
 * `jira`, the Jira module, its simulator and an integration too.
 */
export async function startPagerDutyServiceNowHub(options: {
  /** Integration names; `{name} PagerDuty`, `{name} ServiceNow` and `{name} Jira`. */
  name: string;
  pagerDutySettings?: Record<string, unknown>;
  serviceNow?: ServiceNowSimulatorOptions;
  /** Also Jira: the projects the site has; the integration's `project_key` is the first. */
  jira?: { projects: string[] };
  /** A database from `TestDatabases`; else the test backend's in-memory SQLite. */
  knex?: Knex;
  features?: BackendFeature[];
}) {
  const pd = await PagerDutySimulator.start();
  const snow = await ServiceNowSimulator.start(options.serviceNow);
  const jira = options.jira
    ? await JiraSimulator.start({
        projects: options.jira.projects,
        webhook: { secret: JIRA_SECRET, scheme: 'hmac' },
      })
    : undefined;
  const backend = await startTestBackend({
    features: [
      itsmSyncPlugin,
      pagerDutyModule,
      serviceNowModule,
      ...(jira ? [jiraModule] : []),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
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
  const createIntegration = integrationCreator(api);
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
  const jiraIntegration =
    jira &&
    (await createIntegration({
      integration_type: 'jira',
      name: `${options.name} Jira`,
      base_url: jira.baseUrl,
      credentials: { ...jira.credentials },
      webhook_secrets: [JIRA_SECRET],
      settings: { project_key: options.jira!.projects[0] },
    }));
  if (jira && jiraIntegration)
    jira.setWebhookTarget({
      url: `${base}/v1/webhooks/${jiraIntegration.id}`,
      secret: JIRA_SECRET,
      scheme: 'hmac',
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
      await jira?.stop();
    },
  };
}

export type PagerDutyServiceNowHub = Awaited<
  ReturnType<typeof startPagerDutyServiceNowHub>
>;
