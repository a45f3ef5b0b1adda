import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync-backend';
import { applyImTokenAccess } from './imToken';

jest.setTimeout(60_000);

/** Another plugin of the same backend, with an API that needs any valid caller. */
const otherPlugin = createBackendPlugin({
  pluginId: 'catalog-like',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        httpRouter.use((req, res, next) => {
          httpAuth
            .credentials(req)
            .then(() => res.json({ items: ['the whole catalog'] }))
            .catch(next);
        });
      },
    });
  },
});

describe('IM_TOKEN on a real backend', () => {
  const token = randomBytes(32).toString('base64url');
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { IM_TOKEN: token };
    applyImTokenAccess(env);
    backend = await startTestBackend({
      features: [
        itsmSyncPlugin,
        otherPlugin,
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: JSON.parse(
                  env.APP_CONFIG_backend_auth_externalAccess!,
                ),
              },
            },
            itsmSync: { encryption: { key: randomBytes(32).toString('hex') } },
          },
        }),
      ],
    });
    base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api`;
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const get = (path: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("opens the itsm-sync plugin's API", async () => {
    expect((await get('/itsm-sync/v1/integrations')).status).toBe(200);
  });

  it("is refused by another plugin's API", async () => {
    const res = await get('/catalog-like/entities');
    expect([401, 403]).toContain(res.status);
    expect(await res.text()).not.toContain('the whole catalog');
  });
});
