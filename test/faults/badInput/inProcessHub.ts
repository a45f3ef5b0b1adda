import type { AddressInfo } from 'node:net';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import { testOutboundConfig } from '../../../plugins/itsm-sync-node/src/testUtils/loopbackOutbound';

/** Largest webhook body for this suite: small, so 'too large' cases stay cheap to send. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The hub in this process (SQLite in memory) with the three connector modules and the
 * given root logger (the suite passes a capturing one).
 */
export async function startInProcessHub(rootLogger: ServiceFactory) {
  const backend = await startTestBackend({
    features: [
      import('@itsm-sync-hub/plugin-itsm-sync-backend'),
      import('@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow'),
      import('@itsm-sync-hub/plugin-itsm-sync-backend-module-jira'),
      import('@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty'),
      rootLogger,
      mockServices.rootConfig.factory({
        data: {
          itsmSync: {
            encryption: { key: randomBytes(32).toString('hex') },
            dispatcher: { pollIntervalMs: 100 },
            // Thousands of bad requests from one source: the limiter (tested on its own in
            // webhookRoutes.security.test.ts) would answer most of them 429 before they are read.
            webhooks: {
              maxBodyBytes: MAX_BODY_BYTES,
              rateLimit: { requestsPerSecond: 1e9, burst: 1e9 },
            },
            outbound: testOutboundConfig,
          },
        },
      }),
    ],
  });
  const base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  return { backend, base, call };
}
