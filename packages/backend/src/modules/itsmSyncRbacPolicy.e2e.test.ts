import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { itsmSyncIntegrationManagePermission } from '@itsm-sync-hub/plugin-itsm-sync-common';
import request from 'supertest';
import {
  PAT,
  ROOT,
  startScopedRbacBackend,
} from './__testUtils__/scopedRbacBackend';

jest.setTimeout(60_000);

/**
 * The RBAC policy with the real permission backend and the real permissions service:
 * a scoped integration.manager against the itsm-sync routes, and the portal's per
 * integration question through the permission backend (which asks the itsm-sync plugin
 * to apply the conditions).
 */
describe('integration.manager scoped to some integrations, through the permission backend', () => {
  let backend: Awaited<ReturnType<typeof startScopedRbacBackend>>;
  const as = (who: string) => ({
    authorization: mockCredentials.user.header(who),
  });

  beforeAll(async () => {
    backend = await startScopedRbacBackend();
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const createIntegration = (who: string, name: string) =>
    request(backend.server)
      .post('/api/itsm-sync/v1/integrations')
      .set(as(who))
      .send({
        organization_id: 'acme-corp',
        integration_type: 'servicenow',
        name,
        base_url: 'http://127.0.0.1:9',
        credentials: { username: 'u', password: 'p' },
        webhook_secrets: ['s3cret-webhook'],
      });

  it('lets the manager change its integration and nothing else', async () => {
    const payments = await createIntegration(ROOT, 'payments-snow');
    const infra = await createIntegration(ROOT, 'infra-snow');
    expect([payments.status, infra.status]).toEqual([201, 201]);

    const patch = (id: string) =>
      request(backend.server)
        .patch(`/api/itsm-sync/v1/integrations/${id}`)
        .set(as(PAT))
        .send({ rate_limit: 5 });
    expect((await patch(payments.body.id)).status).toBe(200);
    const refused = await patch(infra.body.id);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/integration 'infra-snow'/);
    expect((await createIntegration(PAT, 'billing-snow')).status).toBe(403);

    // What the portal asks before it shows a manage action on each integration.
    const asked = await request(backend.server)
      .post('/api/permission/authorize')
      .set(as(PAT))
      .send({
        items: [payments.body.id, infra.body.id].map(resourceRef => ({
          id: resourceRef,
          permission: itsmSyncIntegrationManagePermission,
          resourceRef,
        })),
      });
    expect(asked.status).toBe(200);
    expect(asked.body.items).toEqual([
      { id: payments.body.id, result: AuthorizeResult.ALLOW },
      { id: infra.body.id, result: AuthorizeResult.DENY },
    ]);
  });
});
