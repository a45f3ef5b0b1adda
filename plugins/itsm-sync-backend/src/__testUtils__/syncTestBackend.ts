import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import {
  eventually as pollUntil,
  TestTicketServer,
  testConnectorModule,
  testOutboundConfig,
  type EventualCheck,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { itsmSyncPlugin } from '../plugin';

/** A fixed test key: tests never rely on the generated development key. */
const TEST_ENCRYPTION_KEY = '0f'.repeat(32);
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-1';

/**
 * Starts the core plugin with the test connector in a Backstage test backend, a test
 * ticket server as the vendor, and optionally a real database from `TestDatabases`.
 */
export async function startSyncTestBackend(
  options: {
    databases?: TestDatabases;
    databaseId?: TestDatabaseId;
    config?: Record<string, unknown>;
    features?: BackendFeature[];
    /** A database an earlier backend used (a restart), instead of a new one from `databases`. */
    knex?: Knex;
  } = {},
) {
  const vendor = await TestTicketServer.start();
  const features: BackendFeature[] = [
    itsmSyncPlugin,
    testConnectorModule,
    mockServices.rootConfig.factory({
      data: {
        itsmSync: {
          encryption: { key: TEST_ENCRYPTION_KEY },
          dispatcher: { pollIntervalMs: 50, leaseSeconds: 5 },
          retry: { delaysSeconds: [0.05, 0.05, 0.05, 0.05] },
          outbound: testOutboundConfig,
          ...(options.config ?? {}),
        },
      },
    }),
    ...(options.features ?? []),
  ];
  let knex: Knex | undefined = options.knex;
  if (!knex && options.databases && options.databaseId)
    knex = await options.databases.init(options.databaseId);
  if (knex) features.push(mockServices.database.factory({ knex }));
  const backend = await startTestBackend({ features });
  const api = request(backend.server);
  const base = '/api/itsm-sync';

  return {
    backend,
    vendor,
    api,
    /** The database, when the test gave one (to look at stored rows). */
    knex,
    base,
    /** Creates an integration pointing at the test ticket server. */
    async createIntegration(overrides: Record<string, unknown> = {}) {
      const res = await api.post(`${base}/v1/integrations`).send({
        organization_id: 'acme-corp',
        integration_type: 'test',
        name: `test-${Math.random().toString(36).slice(2, 8)}`,
        base_url: vendor.baseUrl,
        credentials: { token: vendor.token },
        webhook_secrets: [TEST_WEBHOOK_SECRET],
        ...overrides,
      });
      if (res.status !== 201)
        throw new Error(
          `create integration: ${res.status} ${JSON.stringify(res.body)}`,
        );
      return res.body as { id: string; name: string };
    },
    /** Sends a vendor webhook as the unauthenticated vendor would. */
    async deliverWebhook(
      integrationId: string,
      webhook: { rawBody: Buffer; headers: Record<string, string | undefined> },
    ) {
      const req = api
        .post(`${base}/v1/webhooks/${integrationId}`)
        .set('authorization', mockCredentials.none.header());
      for (const [k, v] of Object.entries(webhook.headers))
        if (v !== undefined && k !== 'authorization') req.set(k, v);
      // A string, so supertest sends the exact bytes that were signed (a Buffer with a
      // JSON content type would be re-serialised).
      return req.send(webhook.rawBody.toString('utf8'));
    },
    async stop() {
      await backend.stop();
      await vendor.close();
    },
  };
}

export type SyncTestBackend = Awaited<ReturnType<typeof startSyncTestBackend>>;

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export const eventually = <T>(
  check: EventualCheck<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> => pollUntil(check, what, timeoutMs);
