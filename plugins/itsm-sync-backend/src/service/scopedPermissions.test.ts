import {
  coreServices,
  createServiceFactory,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  itsmSyncConflictResolvePermission,
  itsmSyncIntegrationManagePermission,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';
import {
  createItsmSyncConflictConditionalDecision,
  createItsmSyncIntegrationConditionalDecision,
  itsmSyncConflictConditions,
  itsmSyncIntegrationConditions,
} from '../permissions/conditions';

jest.setTimeout(60_000);

/**
 * A policy's answers as a scoped role gets them: managing only the integrations in
 * `scope`, resolving only conflicts of incidents assigned to alice. Set-up runs unscoped.
 */
let scope: string[] | 'all' = 'all';
function decide(permission: { name: string }): PolicyDecision {
  if (scope === 'all') return { result: AuthorizeResult.ALLOW };
  if (permission.name === itsmSyncIntegrationManagePermission.name) {
    return createItsmSyncIntegrationConditionalDecision(
      itsmSyncIntegrationManagePermission,
      itsmSyncIntegrationConditions.isIntegrationInScope({
        integrations: scope,
      }),
    );
  }
  if (permission.name === itsmSyncConflictResolvePermission.name) {
    return createItsmSyncConflictConditionalDecision(
      itsmSyncConflictResolvePermission,
      itsmSyncConflictConditions.isConflictOfAssignee({
        assignees: ['user:default/alice'],
      }),
    );
  }
  return { result: AuthorizeResult.ALLOW };
}

const scopedPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => ({
    authorize: async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async requests =>
      requests.map(r => decide(r.permission)),
  }),
});

describe('routes under a scoped role (conditional decisions)', () => {
  let hub: SyncTestBackend;
  let inScope: { id: string; name: string };
  let outOfScope: { id: string; name: string };

  beforeAll(async () => {
    hub = await startSyncTestBackend({ features: [scopedPermissions] });
    inScope = await hub.createIntegration({
      name: 'payments-snow',
      conflict_strategy: 'manual-review',
    });
    outOfScope = await hub.createIntegration({
      name: 'infra-snow',
      conflict_strategy: 'manual-review',
    });
  });
  afterEach(() => {
    scope = 'all';
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const integration = async (id: string) =>
    (await hub.api.get(`${hub.base}/v1/integrations/${id}`)).body;
  /** The plugin's endpoint the permission backend calls to apply conditions to resources by ref. */
  const applyConditions = (items: unknown[]) =>
    hub.api
      .post(`${hub.base}/.well-known/backstage/permissions/apply-conditions`)
      .set('authorization', mockCredentials.service.header())
      .send({ items });

  it('manages an integration in scope, named or by id, and refuses one outside it, changing nothing', async () => {
    scope = ['PAYMENTS-SNOW'];
    const patched = await hub.api
      .patch(`${hub.base}/v1/integrations/${inScope.id}`)
      .send({ rate_limit: 42 });
    expect(patched.status).toBe(200);
    expect(patched.body.rate_limit).toBe(42);

    const refused = await hub.api
      .patch(`${hub.base}/v1/integrations/${outOfScope.name}`)
      .send({ rate_limit: 7 });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `Not allowed: itsm-sync.integration.manage on integration 'infra-snow'`,
    );
    expect((await integration(outOfScope.id)).rate_limit).not.toBe(7);

    scope = [outOfScope.id];
    expect(
      (
        await hub.api
          .patch(`${hub.base}/v1/integrations/${outOfScope.name}`)
          .send({ rate_limit: 7 })
      ).status,
    ).toBe(200);
  });

  it('refuses every management route on an integration outside the scope', async () => {
    scope = [inScope.name];
    for (const [method, path, body] of [
      ['delete', `/v1/integrations/${outOfScope.id}`, undefined],
      ['post', `/v1/integrations/${outOfScope.id}/test`, {}],
      [
        'put',
        `/v1/integrations/${outOfScope.id}/field-ownership/priority`,
        { owner: 'platform', priority: 1 },
      ],
      ['post', `/v1/integrations/${outOfScope.id}/dlq/1/retry`, {}],
      [
        'post',
        `/v1/integrations/${outOfScope.id}/reconcile`,
        { dry_run: true },
      ],
      [
        'post',
        `/v1/integrations/${outOfScope.id}/reconcile/schedule`,
        { interval: '1h' },
      ],
      [
        'post',
        `/v1/integrations/${outOfScope.id}/callback-tokens`,
        { app_name: 'Jira inbound' },
      ],
      ['get', `/v1/integrations/${outOfScope.id}/callback-tokens`, undefined],
    ] as const) {
      const res = await (hub.api as any)
        [method](`${hub.base}${path}`)
        .send(body);
      expect({ method, path, status: res.status }).toEqual({
        method,
        path,
        status: 403,
      });
    }
    expect(await integration(outOfScope.id)).toMatchObject({
      id: outOfScope.id,
      name: outOfScope.name,
    });
    scope = 'all';
    expect(
      (
        await hub.api.get(
          `${hub.base}/v1/integrations/${outOfScope.id}/callback-tokens`,
        )
      ).body.items,
    ).toEqual([]);
    expect(
      (
        await hub.api.get(
          `${hub.base}/v1/integrations/${outOfScope.id}/field-ownership`,
        )
      ).body.items,
    ).not.toContainEqual(
      expect.objectContaining({
        field: 'priority',
        owner: 'platform',
        priority: 1,
      }),
    );
  });

  it('creates an integration only under a name in scope, and keeps a rename in scope', async () => {
    scope = ['payments-jira', inScope.name];
    const created = await hub.createIntegration({ name: 'payments-jira' });
    expect(created.name).toBe('payments-jira');
    await expect(
      hub.createIntegration({ name: 'billing-jira' }),
    ).rejects.toThrow(
      /403.*itsm-sync.integration.manage on integration 'billing-jira'/,
    );
    const names = (
      await hub.api.get(`${hub.base}/v1/integrations`)
    ).body.items.map((i: { name: string }) => i.name);
    expect(names).not.toContain('billing-jira');

    const renamed = await hub.api
      .patch(`${hub.base}/v1/integrations/${inScope.id}`)
      .send({ name: 'elsewhere-snow' });
    expect(renamed.status).toBe(403);
    expect((await integration(inScope.id)).name).toBe(inScope.name);
  });

  it('resolves a conflict of an incident assigned to the caller, and refuses another', async () => {
    async function pendingConflict(assignedTo: string) {
      const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
        title: `Assigned to ${assignedTo}`,
        severity: 'SEV-2',
        assigned_to: assignedTo,
        integrations: [inScope.name],
      });
      expect(created.status).toBe(201);
      const ticketId = await eventually(
        async () =>
          (await hub.api.get(`${hub.base}/v1/incidents/${created.body.id}`))
            .body.links[0]?.external_id,
        5000,
        'the ticket',
      );
      await hub.api
        .patch(`${hub.base}/v1/incidents/${created.body.id}`)
        .send({ status: 'mitigated' });
      await hub.deliverWebhook(
        inScope.id,
        hub.vendor.vendorEdit(
          ticketId,
          { status: 'resolved' },
          TEST_WEBHOOK_SECRET,
        ),
      );
      const [conflict] = (
        await hub.api.get(
          `${hub.base}/v1/conflicts?status=pending&incident=${created.body.id}`,
        )
      ).body.items;
      expect(conflict).toMatchObject({ field: 'status', status: 'pending' });
      return conflict as { id: string };
    }
    const alices = await pendingConflict('Alice');
    const bobs = await pendingConflict('bob');

    scope = [];
    const refused = await hub.api
      .post(`${hub.base}/v1/conflicts/${bobs.id}/resolve`)
      .send({ resolution: 'ignore' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `Not allowed: itsm-sync.conflict.resolve on conflict '${bobs.id}'`,
    );
    expect(
      (await hub.api.get(`${hub.base}/v1/conflicts/${bobs.id}`)).body.status,
    ).toBe('pending');

    // The same conditions as the permission backend has them applied (the portal asks per conflict).
    const applied = await applyConditions(
      [alices.id, bobs.id].map(id => ({
        id,
        resourceType: 'itsm-sync-conflict',
        resourceRef: id,
        conditions: itsmSyncConflictConditions.isConflictOfAssignee({
          assignees: ['user:default/alice'],
        }),
      })),
    );
    expect(applied.body.items).toEqual([
      { id: alices.id, result: AuthorizeResult.ALLOW },
      { id: bobs.id, result: AuthorizeResult.DENY },
    ]);

    const resolved = await hub.api
      .post(`${hub.base}/v1/conflicts/${alices.id}/resolve`)
      .send({ resolution: 'ignore' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolution: 'ignore',
    });
  });

  it('lists its resource types, permissions and rules for policy authors and tools', async () => {
    const res = await hub.api
      .get(`${hub.base}/.well-known/backstage/permissions/metadata`)
      .set('authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(
      res.body.rules
        .map(
          (r: { name: string; resourceType: string }) =>
            `${r.resourceType}:${r.name}`,
        )
        .sort(),
    ).toEqual([
      'itsm-sync-conflict:IS_CONFLICT_OF_ASSIGNEE',
      'itsm-sync-conflict:IS_CONFLICT_ON_INTEGRATION',
      'itsm-sync-integration:IS_INTEGRATION_IN_SCOPE',
    ]);
    const scopeRule = res.body.rules.find(
      (r: { name: string }) => r.name === 'IS_INTEGRATION_IN_SCOPE',
    );
    expect(scopeRule.paramsSchema).toMatchObject({
      type: 'object',
      properties: {
        integrations: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(res.body.permissions.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'itsm-sync.read',
        'itsm-sync.integration.manage',
        'itsm-sync.conflict.resolve',
        'itsm-sync.incident.write',
      ]),
    );
  });

  it("applies a policy's conditions to integrations for the permission backend", async () => {
    const inScopeOnly = itsmSyncIntegrationConditions.isIntegrationInScope({
      integrations: [inScope.name],
    });
    const res = await applyConditions([
      {
        id: '1',
        resourceType: 'itsm-sync-integration',
        resourceRef: inScope.id,
        conditions: inScopeOnly,
      },
      {
        id: '2',
        resourceType: 'itsm-sync-integration',
        resourceRef: outOfScope.id,
        conditions: inScopeOnly,
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
      { id: '2', result: AuthorizeResult.DENY },
    ]);
  });
});
