import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createServiceFactory,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import itsmSyncModuleServiceNow from '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow';
import { testOutboundConfig } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { UserItsmSyncClient } from '../UserItsmSyncClient';
import { createIncidentAction } from './createIncidentAction';
import { linkIncidentAction } from './linkIncidentAction';
import { syncIncidentAction } from './syncIncidentAction';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const MALLORY = 'user:default/mallory';

/** Everyone may act, but mallory, who may only read. */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => {
    const decide = (
      request: { permission: { name: string } },
      credentials: any,
    ) => ({
      result:
        credentials?.principal?.userEntityRef === MALLORY &&
        request.permission.name !== 'itsm-sync.read'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    return {
      authorize: async (requests, options) =>
        requests.map(r => decide(r, options?.credentials)) as any,
      authorizeConditional: async (requests, options) =>
        requests.map(r => decide(r, options?.credentials)) as any,
    };
  },
});

describe('itsm-sync scaffolder actions against the itsm-sync backend and the ServiceNow simulator', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let sim: ServiceNowSimulator;
  let api: UserItsmSyncClient;
  let baseUrl: string;

  const rest = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: mockCredentials.user.header(ALICE),
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const eventually = async <T>(
    check: () => Promise<T | undefined>,
    what: string,
  ): Promise<T> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 50));
    }
  };
  /** Runs an action as `user` with the scaffolder's mock context, answering what it output. */
  async function run(
    action: { handler: (ctx: any) => Promise<void> },
    input: Record<string, unknown>,
    user = ALICE,
  ) {
    const ctx = {
      ...createMockActionContext({ input: input as any }),
      getInitiatorCredentials: async () => mockCredentials.user(user),
    };
    await action.handler(ctx);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  beforeAll(async () => {
    sim = await ServiceNowSimulator.start();
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        itsmSyncModuleServiceNow,
        permissions,
        mockServices.rootConfig.factory({
          data: {
            itsmSync: {
              encryption: { key: '0f'.repeat(32) },
              dispatcher: { pollIntervalMs: 50 },
              outbound: testOutboundConfig,
            },
          },
        }),
      ],
    });
    baseUrl = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/itsm-sync`;
    const discovery = {
      getBaseUrl: async () => baseUrl,
      getExternalBaseUrl: async () => baseUrl,
    };
    api = UserItsmSyncClient.create({ auth: mockServices.auth(), discovery });
    const created = await rest('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      integration_type: 'servicenow',
      name: 'prod-servicenow',
      base_url: sim.baseUrl,
      credentials: {
        username: sim.credentials.username,
        password: sim.credentials.password,
      },
      settings: {},
    });
    if (created.status !== 201)
      throw new Error(
        `integration not created: ${created.status} ${JSON.stringify(created.body)}`,
      );
  });
  afterAll(async () => {
    await backend?.stop();
    await sim?.stop();
  });

  it('opens an incident on an entity with a ServiceNow ticket, as the user running the template', async () => {
    const out = await run(createIncidentAction(api), {
      title: 'Checkout latency above SLO',
      severity: 'SEV-3',
      entityRef: 'component:default/checkout',
      integrations: ['prod-servicenow'],
    });
    expect(out).toEqual({ incidentId: expect.any(String), status: 'open' });
    const incident = (await rest('GET', `/v1/incidents/${out.incidentId}`))
      .body;
    expect(incident).toMatchObject({
      title: 'Checkout latency above SLO',
      severity: 'SEV-3',
      entity_ref: 'component:default/checkout',
    });
    const sysId = await eventually(
      async () =>
        (await rest('GET', `/v1/incidents/${out.incidentId}`)).body.links[0]
          ?.external_id,
      'the ticket',
    );
    expect(sim.incident(sysId)).toMatchObject({
      short_description: 'Checkout latency above SLO',
    });
  });

  it('links an incident to an integration and syncs it now, answering the ticket', async () => {
    const opened = await run(createIncidentAction(api), {
      title: 'Card payments retried',
      severity: 'SEV-2',
    });
    const linked = await run(linkIncidentAction(api), {
      incidentId: opened.incidentId,
      integration: 'prod-servicenow',
    });
    expect(linked).toEqual({
      integrationId: expect.any(String),
      syncState: expect.any(String),
    });
    await eventually(
      async () =>
        (await rest('GET', `/v1/incidents/${opened.incidentId}`)).body.links[0]
          ?.external_id,
      'the ticket',
    );

    const synced = await run(syncIncidentAction(api), {
      incidentId: opened.incidentId,
      integration: 'prod-servicenow',
    });
    expect(synced.ticket).toMatch(/^INC\d{7}$/);
    expect(sim.store.incidents.size).toBeGreaterThanOrEqual(2);
  });

  it("refuses a user without permission with the API's message, and opens nothing", async () => {
    const before = (await rest('GET', '/v1/incidents')).body.items.length;
    await expect(
      run(
        createIncidentAction(api),
        { title: 'Not mine to open', severity: 'SEV-4' },
        MALLORY,
      ),
    ).rejects.toThrow(/Not allowed: itsm-sync.incident.write/);
    expect((await rest('GET', '/v1/incidents')).body.items.length).toBe(before);
  });

  it('names an unknown integration', async () => {
    const opened = await run(createIncidentAction(api), {
      title: 'Queue backlog',
      severity: 'SEV-3',
    });
    await expect(
      run(linkIncidentAction(api), {
        incidentId: opened.incidentId,
        integration: 'no-such-itsm',
      }),
    ).rejects.toThrow(/no-such-itsm/);
  });
});
