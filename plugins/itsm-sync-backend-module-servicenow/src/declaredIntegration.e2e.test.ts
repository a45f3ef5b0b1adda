import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import type { JsonObject } from '@backstage/types';
import {
  eventually,
  jsonApi,
  testOutboundConfig,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
// The end-to-end tests run the real core plugin; jest here cannot load it with import().
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import serviceNowModule from './index';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** An app-config file as a platform team writes it, read by Backstage's own config loader. */
async function appConfig(
  yaml: string,
  env: Record<string, string>,
): Promise<JsonObject> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'itsm-declared-'));
  const file = path.join(dir, 'app-config.yaml');
  writeFileSync(file, yaml);
  const config = await ConfigSources.toConfig(
    FileConfigSource.create({
      path: file,
      substitutionFunc: async name => env[name],
    }),
  );
  const data = config.get() as JsonObject;
  config.close();
  return data;
}

const integrationYaml = (baseUrl: string, closeCode: string) => `
itsmSync:
  encryption:
    key: ${'ef'.repeat(32)}
  integrations:
    - name: Declared ServiceNow
      organization_id: acme-corp
      integration_type: servicenow
      base_url: ${baseUrl}
      sync_direction: bidirectional
      credentials:
        username: \${SERVICENOW_USERNAME}
        password: \${SERVICENOW_PASSWORD}
      webhook_secrets:
        - \${SERVICENOW_WEBHOOK_SECRET}
      settings:
        close_code: ${closeCode}
      field_ownership:
        - field: assigned_to
          owner: platform
          priority: 20
      reconcile_schedule:
        interval: 6h
`;

describe.each(databases.eachSupportedId())(
  'integrations declared in app-config, on %s',
  databaseId => {
    let sim: ServiceNowSimulator;
    let env: Record<string, string>;

    beforeAll(async () => {
      sim = await ServiceNowSimulator.start();
      env = {
        SERVICENOW_USERNAME: sim.credentials.username!,
        SERVICENOW_PASSWORD: sim.credentials.password!,
        SERVICENOW_WEBHOOK_SECRET: 'declared-webhook-secret',
      };
    });
    afterAll(() => sim?.stop());

    async function start(data: JsonObject, knex: unknown) {
      const config = data as { itsmSync: JsonObject };
      return startTestBackend({
        features: [
          itsmSyncPlugin,
          serviceNowModule,
          mockServices.database.factory({ knex: knex as any }),
          mockServices.rootConfig.factory({
            data: {
              ...config,
              itsmSync: {
                ...config.itsmSync,
                dispatcher: { pollIntervalMs: 50 },
                outbound: testOutboundConfig,
              },
            },
          }),
        ],
      });
    }

    it('creates it at start, read-only through the API, syncs through it, and applies a change on the next start', async () => {
      const knex = await databases.init(databaseId);
      const first = await start(
        await appConfig(integrationYaml(sim.baseUrl, 'Declared fix'), env),
        knex,
      );
      const api = jsonApi(
        `http://127.0.0.1:${(first.server.address() as AddressInfo).port}/api/itsm-sync`,
      );
      const view = await api('GET', '/v1/integrations/Declared ServiceNow');
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        managed_by: 'config',
        credential_keys: ['password', 'username'],
        webhook_secret_count: 1,
        settings: { close_code: 'Declared fix' },
      });
      expect(JSON.stringify(view.body)).not.toContain(env.SERVICENOW_PASSWORD);
      const rules = await api(
        'GET',
        '/v1/integrations/Declared ServiceNow/field-ownership',
      );
      expect(rules.body.items ?? rules.body).toEqual(
        expect.arrayContaining([
          { field: 'assigned_to', owner: 'platform', priority: 20 },
        ]),
      );
      const schedule = await api(
        'GET',
        '/v1/integrations/Declared ServiceNow/reconcile/schedule',
      );
      expect(schedule.body).toMatchObject({ interval_seconds: 21600 });

      const patched = await api(
        'PATCH',
        '/v1/integrations/Declared ServiceNow',
        {
          enabled: false,
        },
      );
      expect(patched.status).toBe(409);
      expect(patched.body.error.message).toMatch(
        /managed by configuration \(itsmSync\.integrations in app-config\)/,
      );
      expect(
        (await api('DELETE', '/v1/integrations/Declared ServiceNow')).status,
      ).toBe(409);

      // An incident routed to it gets a ServiceNow ticket.
      const created = await api('POST', '/v1/incidents', {
        title: 'Declared sync',
        severity: 'SEV-2',
        integrations: ['Declared ServiceNow'],
      });
      expect(created.status).toBe(201);
      const sysId = await eventually(
        async () =>
          (await api('GET', `/v1/incidents/${created.body.id}`)).body.links?.[0]
            ?.external_id as string | undefined,
      );
      expect(sim.incident(sysId)).toMatchObject({
        short_description: 'Declared sync',
      });
      const id = view.body.id;
      await first.stop();

      // Every start applies it again: unchanged, the same integration; changed, updated.
      const second = await start(
        await appConfig(integrationYaml(sim.baseUrl, 'Changed fix'), env),
        knex,
      );
      const api2 = jsonApi(
        `http://127.0.0.1:${(second.server.address() as AddressInfo).port}/api/itsm-sync`,
      );
      const list = await api2('GET', '/v1/integrations');
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
      expect(list.body.items[0].settings).toEqual({
        close_code: 'Changed fix',
      });
      await second.stop();

      // Removed from the configuration: kept, and managed through the API from then on.
      const third = await start(
        { itsmSync: { encryption: { key: 'ef'.repeat(32) } } },
        knex,
      );
      const api3 = jsonApi(
        `http://127.0.0.1:${(third.server.address() as AddressInfo).port}/api/itsm-sync`,
      );
      const kept = await api3('GET', `/v1/integrations/${id}`);
      expect(kept.body).toMatchObject({
        managed_by: null,
        name: 'Declared ServiceNow',
      });
      expect(
        (await api3('PATCH', `/v1/integrations/${id}`, { enabled: false }))
          .status,
      ).toBe(200);
      await third.stop();
    });

    it('stops the start with a message naming the key of a typo, and of a setting the connector refuses', async () => {
      const knex = await databases.init(databaseId);
      const typo = await appConfig(
        integrationYaml(sim.baseUrl, 'x').replace(
          'sync_direction:',
          'sync_directon:',
        ),
        env,
      );
      await expect(start(typo, knex)).rejects.toThrow(
        /Invalid itsmSync\.integrations\[0\]: Unrecognized key: "sync_directon"/,
      );
      const badSetting = await appConfig(
        integrationYaml(sim.baseUrl, 'x').replace(
          'close_code: x',
          'page_size: 0',
        ),
        env,
      );
      await expect(start(badSetting, knex)).rejects.toThrow(
        /Invalid itsmSync\.integrations\[0\]\.settings: page_size must be an integer from 1 to 10000/,
      );
    });
  },
);
