import { createHmac, randomUUID } from 'node:crypto';
import {
  coreServices,
  createServiceFactory,
  type LoggerService,
  type RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const GENERIC = {
  error: { name: 'AuthenticationError', message: 'Webhook refused' },
  response: { statusCode: 401 },
};

/** Every line the backend logs, with its fields (children's fields merged in). */
const logged: Array<{
  level: string;
  message: string;
  meta: Record<string, unknown>;
}> = [];
function recordingLogger(
  fields: Record<string, unknown> = {},
): RootLoggerService {
  const at = (level: string) => (message: string, meta?: Error | object) =>
    void logged.push({
      level,
      message,
      meta: { ...fields, ...(meta as Record<string, unknown> | undefined) },
    });
  const logger: LoggerService = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: meta => recordingLogger({ ...fields, ...meta }),
  };
  return logger as RootLoggerService;
}
const recordingRootLogger = createServiceFactory({
  service: coreServices.rootLogger,
  deps: {},
  factory: () => recordingLogger(),
});

describe('the unauthenticated webhook routes', () => {
  let hub: SyncTestBackend;

  // All requests come from 127.0.0.1: its budget across integrations (four times one
  // integration's, 16) stays above what both tests send (14).
  beforeAll(async () => {
    hub = await startSyncTestBackend({
      config: { webhooks: { rateLimit: { requestsPerSecond: 0.5, burst: 4 } } },
      features: [recordingRootLogger],
    });
  });
  afterAll(() => hub?.stop());

  const post = (
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ) =>
    hub.api
      .post(`${hub.base}${path}`)
      .set('authorization', mockCredentials.none.header())
      .set('content-type', 'application/json')
      .set(headers)
      .send(body);
  const signed = (body: string, secret = TEST_WEBHOOK_SECRET) => ({
    'x-test-signature': createHmac('sha256', secret).update(body).digest('hex'),
  });
  const body = JSON.stringify({
    event_id: 'e-1',
    ticket_id: 'T-1',
    changes: { assigned_to: 'mallory' },
  });

  it('answer a bad signature, an unknown id and an integration name alike, with a generic body', async () => {
    const integration = await hub.createIntegration();
    const answers = [
      await post(
        `/v1/webhooks/${integration.id}`,
        body,
        signed(body, 'wrong-secret'),
      ),
      await post(`/v1/webhooks/${randomUUID()}`, body, signed(body)),
      await post(
        `/v1/webhooks/${encodeURIComponent(integration.name)}`,
        body,
        signed(body),
      ),
      await post(
        `/v1/webhooks/${integration.id}/test`,
        body,
        signed(body, 'wrong-secret'),
      ),
      await post(
        `/v1/webhooks/${encodeURIComponent(integration.name)}/test`,
        body,
        signed(body),
      ),
    ];
    for (const answer of answers)
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 401,
        body: GENERIC,
      });
    // The signature test route still confirms a good signature.
    expect(
      (await post(`/v1/webhooks/${integration.id}/test`, body, signed(body)))
        .body,
    ).toMatchObject({ valid: true });
    // The reasons are in the log, for both routes, and no secret is.
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Webhook refused',
        meta: expect.objectContaining({
          integration: integration.id,
          reason: 'signature does not match',
        }),
      }),
    );
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'Webhook signature test refused',
        meta: expect.objectContaining({
          integration: integration.id,
          reason: 'signature does not match',
        }),
      }),
    );
    expect(JSON.stringify(logged)).not.toContain(TEST_WEBHOOK_SECRET);
  });

  it('are rate-limited per source and integration: 429 with Retry-After, nothing read or stored', async () => {
    const noisy = await hub.createIntegration();
    const quiet = await hub.createIntegration();
    const statuses: number[] = [];
    let refused;
    for (let i = 0; i < 6; i++) {
      const event = JSON.stringify({
        event_id: `flood-${i}`,
        ignored_reason: 'not synced',
        event_type: 'test.flood',
      });
      const res = await post(`/v1/webhooks/${noisy.id}`, event, signed(event));
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused!.body).toEqual({
      error: { name: 'TooManyRequestsError', message: 'Too many requests' },
      response: { statusCode: 429 },
    });
    // The test route shares the budget of the same source and integration.
    expect(
      (await post(`/v1/webhooks/${noisy.id}/test`, body, signed(body))).status,
    ).toBe(429);
    // Only the accepted deliveries were recorded.
    const status = await hub.api.get(
      `${hub.base}/v1/integrations/${noisy.id}/sync-status`,
    );
    expect(status.body.ignored_events).toEqual([
      expect.objectContaining({ event_type: 'test.flood', count: 4 }),
    ]);
    // Another integration's budget is its own.
    expect(
      (await post(`/v1/webhooks/${quiet.id}/test`, body, signed(body))).status,
    ).toBe(200);
  });
});
