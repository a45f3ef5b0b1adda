import {
  coreServices,
  createServiceFactory,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { itsmSyncIntegrationManagePermission } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  eventually,
  startSyncTestBackend,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

/** A reader: every permission but integration.manage (which set-up needs, so it is switched). */
let manager = true;
const readerOrManager = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => {
    const decide = (name: string) =>
      name === itsmSyncIntegrationManagePermission.name && !manager
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    return {
      authorize: async requests =>
        requests.map(r => ({ result: decide(r.permission.name) })),
      authorizeConditional: async requests =>
        requests.map(r => ({ result: decide(r.permission.name) }) as any),
    };
  },
});

// What a vendor (or an SSRF target) might answer: credentials a reader must never see.
const SECRET_KEY = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY';
const VENDOR_ANSWER = {
  Code: 'Success',
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: SECRET_KEY,
  note: 'invalid priority',
};

describe('vendor error bodies', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    hub = await startSyncTestBackend({ features: [readerOrManager] });
  });
  afterEach(() => {
    manager = true;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('shows readers the status and a sanitised excerpt, and managers the full answer', async () => {
    const integration = await hub.createIntegration();
    hub.vendor.failNext({ status: 400, body: VENDOR_ANSWER });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Queue backlog',
      severity: 'SEV-3',
      integrations: [integration.name],
    });
    expect(created.status).toBe(201);
    const [asManager] = await eventually(
      async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/dlq`,
        );
        return res.body.items.length ? res.body.items : undefined;
      },
      5000,
      'a DLQ entry',
    );
    expect(asManager.last_status).toBe(400);
    expect(JSON.parse(asManager.vendor_body)).toEqual(VENDOR_ANSWER);

    manager = false;
    const [asReader] = (
      await hub.api.get(`${hub.base}/v1/integrations/${integration.id}/dlq`)
    ).body.items;
    expect(asReader).not.toHaveProperty('vendor_body');
    expect(asReader.last_error).toMatch(/answered 400/);
    expect(asReader.last_error).toContain('[redacted]');
    expect(JSON.stringify(asReader)).not.toContain(SECRET_KEY);
    const incident = (
      await hub.api.get(`${hub.base}/v1/incidents/${created.body.id}`)
    ).body;
    expect(incident.links[0].sync_state).toBe('failed');
    expect(JSON.stringify(incident)).not.toContain(SECRET_KEY);
  });
});
