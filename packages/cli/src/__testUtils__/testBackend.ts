import { randomBytes } from 'node:crypto';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import pagerDutyModule from '@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty';
import {
  TestTicketServer,
  testConnectorModule,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { PagerDutySimulator } from '@itsm-sync-hub/simulators';

/** The token the CLI presents: a Backstage external-access static token, as in production. */
export const IM_TOKEN = `im-cli-test-${randomBytes(24).toString('hex')}`;

export interface RunningBackend {
  /** Backend root URL, what `im --url` takes. */
  url: string;
  vendor: TestTicketServer;
  /** For the PagerDuty-only commands (on-call, service mappings). */
  pagerDuty: PagerDutySimulator;
  stop(): Promise<void>;
}

/**
 * The core plugin, a test connector with a loopback ticket server as the vendor, and the
 * PagerDuty module with its simulator. Auth is
 * Backstage's real auth and httpAuth services (the test utils' mocks know no static
 * tokens), so only `Bearer IM_TOKEN` gets in and anything else is a 401.
 */
export async function startBackend(
  options: {
    /** More features, e.g. a catalog with entities for routing. */
    features?: BackendFeature[];
  } = {},
): Promise<RunningBackend> {
  const vendor = await TestTicketServer.start();
  const pagerDuty = await PagerDutySimulator.start();
  const backend = await startTestBackend({
    features: [
      itsmSyncPlugin,
      testConnectorModule,
      pagerDutyModule,
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
      ...(options.features ?? []),
    ],
  });
  const address = backend.server.address();
  if (!address || typeof address === 'string')
    throw new Error('test backend has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    vendor,
    pagerDuty,
    async stop() {
      await backend.stop();
      await vendor.close();
      await pagerDuty.stop();
    },
  };
}
