import { randomBytes } from 'node:crypto';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import jiraModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-jira';
import pagerDutyModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty';
import serviceNowModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow';
import webhookModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-webhook';
import { testOutboundConfig } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  JiraSimulator,
  PagerDutySimulator,
  ServiceNowSimulator,
} from '@itsm-sync-hub/simulators';
import { IM_TOKEN } from './testBackend';

/** The hub with every real connector module, and a simulator of each vendor on loopback. */
export interface VendorBackend {
  url: string;
  serviceNow: ServiceNowSimulator;
  jira: JiraSimulator;
  pagerDuty: PagerDutySimulator;
  stop(): Promise<void>;
}

/** Backstage's real auth services, so only `Bearer IM_TOKEN` gets in, as with `im` in production. */
export async function startVendorBackend(): Promise<VendorBackend> {
  const [serviceNow, jira, pagerDuty] = await Promise.all([
    ServiceNowSimulator.start(),
    JiraSimulator.start(),
    PagerDutySimulator.start(),
  ]);
  const backend = await startTestBackend({
    features: [
      itsmSyncPlugin,
      serviceNowModule,
      jiraModule,
      pagerDutyModule,
      webhookModule,
      authServiceFactory,
      httpAuthServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: IM_TOKEN, subject: 'im-cli' },
                },
              ],
            },
          },
          itsmSync: {
            encryption: { key: randomBytes(32).toString('hex') },
            dispatcher: { pollIntervalMs: 50 },
            outbound: testOutboundConfig,
          },
        },
      }),
    ],
  });
  const address = backend.server.address();
  if (!address || typeof address === 'string')
    throw new Error('test backend has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    serviceNow,
    jira,
    pagerDuty,
    async stop() {
      await backend.stop();
      await Promise.all([serviceNow.stop(), jira.stop(), pagerDuty.stop()]);
    },
  };
}
