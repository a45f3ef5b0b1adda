import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  itsmSyncConflictResolvePermission,
  itsmSyncIncidentWritePermission,
  itsmSyncIntegrationManagePermission,
  itsmSyncReadPermission,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { ItsmSyncRbacPolicy, readRbacSettings } from './itsmSyncRbacPolicy';

function user(ref: string, groups: string[] = []): PolicyQueryUser {
  return {
    identity: { type: 'user', userEntityRef: ref, ownershipEntityRefs: groups },
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  } as PolicyQueryUser;
}

const policy = new ItsmSyncRbacPolicy(
  readRbacSettings(
    new ConfigReader({
      itsmSync: {
        rbac: {
          roles: {
            'platform.administrator': ['user:default/root'],
            'integration.manager': ['group:default/integrations'],
            incident_commander: ['group:default/commanders'],
            viewer: ['group:default/everyone'],
          },
        },
      },
    }),
  ),
);

async function decide(
  who: PolicyQueryUser | undefined,
  permission: { name: string },
) {
  return (await policy.handle({ permission: permission as any }, who)).result;
}

describe('ItsmSyncRbacPolicy (the RBAC roles)', () => {
  const viewer = user('user:default/vic', ['group:default/everyone']);
  const commander = user('user:default/cmd', ['group:default/commanders']);
  const manager = user('user:default/mgr', ['group:default/integrations']);
  const admin = user('user:default/root');

  it.each([
    [
      'viewer',
      viewer,
      [itsmSyncReadPermission],
      [
        itsmSyncIntegrationManagePermission,
        itsmSyncConflictResolvePermission,
        itsmSyncIncidentWritePermission,
      ],
    ],
    [
      'incident_commander',
      commander,
      [itsmSyncReadPermission, itsmSyncIncidentWritePermission],
      [itsmSyncIntegrationManagePermission],
    ],
    [
      'integration.manager',
      manager,
      [
        itsmSyncReadPermission,
        itsmSyncIntegrationManagePermission,
        itsmSyncConflictResolvePermission,
        itsmSyncIncidentWritePermission,
      ],
      [],
    ],
    [
      'platform.administrator',
      admin,
      [
        itsmSyncReadPermission,
        itsmSyncIntegrationManagePermission,
        itsmSyncConflictResolvePermission,
        itsmSyncIncidentWritePermission,
      ],
      [],
    ],
  ])(
    'gives a %s exactly its permissions',
    async (_role, who, allowed, denied) => {
      for (const p of allowed)
        expect([p.name, await decide(who, p)]).toEqual([
          p.name,
          AuthorizeResult.ALLOW,
        ]);
      for (const p of denied)
        expect([p.name, await decide(who, p)]).toEqual([
          p.name,
          AuthorizeResult.DENY,
        ]);
    },
  );

  it('lets an incident_commander resolve only conflicts of incidents assigned to it', async () => {
    expect(
      await policy.handle(
        { permission: itsmSyncConflictResolvePermission } as any,
        commander,
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'itsm-sync',
      resourceType: 'itsm-sync-conflict',
      conditions: {
        rule: 'IS_CONFLICT_OF_ASSIGNEE',
        resourceType: 'itsm-sync-conflict',
        params: { assignees: ['user:default/cmd'] },
      },
    });
  });

  it('denies itsm-sync to users with no role and no default, and leaves other plugins alone', async () => {
    const stranger = user('user:default/stranger');
    expect(await decide(stranger, itsmSyncReadPermission)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(undefined, itsmSyncReadPermission)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(stranger, { name: 'catalog.entity.read' })).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('gives unassigned users the default role when one is configured', async () => {
    const withDefault = new ItsmSyncRbacPolicy(
      readRbacSettings(
        new ConfigReader({ itsmSync: { rbac: { defaultRole: 'viewer' } } }),
      ),
    );
    const stranger = user('user:default/stranger');
    expect(
      (
        await withDefault.handle(
          { permission: itsmSyncReadPermission } as any,
          stranger,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (
        await withDefault.handle(
          { permission: itsmSyncIntegrationManagePermission } as any,
          stranger,
        )
      ).result,
    ).toBe(AuthorizeResult.DENY);
  });

  it('refuses an unknown role in config with a message naming it', () => {
    expect(() =>
      readRbacSettings(
        new ConfigReader({
          itsmSync: { rbac: { roles: { superuser: ['user:default/x'] } } },
        }),
      ),
    ).toThrow(/itsmSync.rbac.roles.superuser is not a role/);
    expect(() =>
      readRbacSettings(
        new ConfigReader({ itsmSync: { rbac: { defaultRole: 'god' } } }),
      ),
    ).toThrow(/defaultRole 'god'/);
  });
});

describe('ItsmSyncRbacPolicy with integration scopes', () => {
  const scoped = new ItsmSyncRbacPolicy(
    readRbacSettings(
      new ConfigReader({
        itsmSync: {
          rbac: {
            roles: {
              'platform.administrator': ['user:default/root'],
              'integration.manager': [
                'group:default/payments',
                'group:default/infra',
                'group:default/all-integrations',
              ],
              incident_commander: ['group:default/commanders'],
            },
            integrationScopes: [
              {
                assignee: 'group:default/payments',
                integrations: ['payments-snow', 'payments-jira'],
              },
              { assignee: 'Group:default/Infra', integrations: ['infra-pd'] },
            ],
          },
        },
      }),
    ),
  );
  const handle = (who: PolicyQueryUser, permission: { name: string }) =>
    scoped.handle({ permission: permission as any }, who);

  it('lets a scoped integration.manager manage only its integrations, and resolve only their conflicts', async () => {
    const payments = user('user:default/pat', ['group:default/payments']);
    expect(await handle(payments, itsmSyncIntegrationManagePermission)).toEqual(
      {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'itsm-sync',
        resourceType: 'itsm-sync-integration',
        conditions: {
          rule: 'IS_INTEGRATION_IN_SCOPE',
          resourceType: 'itsm-sync-integration',
          params: { integrations: ['payments-snow', 'payments-jira'] },
        },
      },
    );
    expect(
      await handle(payments, itsmSyncConflictResolvePermission),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: {
        rule: 'IS_CONFLICT_ON_INTEGRATION',
        params: { integrations: ['payments-snow', 'payments-jira'] },
      },
    });
    expect((await handle(payments, itsmSyncReadPermission)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('joins the scopes of every scoped assignment, and drops the scope when any assignment has none', async () => {
    const both = user('user:default/bo', [
      'group:default/payments',
      'group:default/infra',
    ]);
    expect(
      await handle(both, itsmSyncIntegrationManagePermission),
    ).toMatchObject({
      conditions: {
        params: {
          integrations: ['payments-snow', 'payments-jira', 'infra-pd'],
        },
      },
    });
    const unscopedToo = user('user:default/una', [
      'group:default/payments',
      'group:default/all-integrations',
    ]);
    expect(
      (await handle(unscopedToo, itsmSyncIntegrationManagePermission)).result,
    ).toBe(AuthorizeResult.ALLOW);
    expect(
      (await handle(unscopedToo, itsmSyncConflictResolvePermission)).result,
    ).toBe(AuthorizeResult.ALLOW);
    // The administrator role is never scoped.
    expect(
      (
        await handle(
          user('user:default/root', ['group:default/payments']),
          itsmSyncIntegrationManagePermission,
        )
      ).result,
    ).toBe(AuthorizeResult.ALLOW);
  });

  it('lets a scoped manager who is also a commander resolve conflicts of either kind', async () => {
    const both = user('user:default/cam', [
      'group:default/infra',
      'group:default/commanders',
    ]);
    expect(await handle(both, itsmSyncConflictResolvePermission)).toMatchObject(
      {
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          anyOf: [
            {
              rule: 'IS_CONFLICT_ON_INTEGRATION',
              params: { integrations: ['infra-pd'] },
            },
            {
              rule: 'IS_CONFLICT_OF_ASSIGNEE',
              params: { assignees: ['user:default/cam'] },
            },
          ],
        },
      },
    );
  });

  it('refuses a scope for someone who is not an integration.manager, or one listing nothing', () => {
    const read =
      (
        integrationScopes: Array<{ assignee: string; integrations: string[] }>,
      ) =>
      () =>
        readRbacSettings(
          new ConfigReader({
            itsmSync: {
              rbac: {
                roles: { 'integration.manager': ['group:default/sre'] },
                integrationScopes,
              },
            },
          }),
        );
    expect(
      read([{ assignee: 'group:default/viewers', integrations: ['a'] }]),
    ).toThrow(
      "itsmSync.rbac.integrationScopes[0].assignee 'group:default/viewers' is not assigned the integration.manager role",
    );
    expect(read([{ assignee: 'group:default/sre', integrations: [] }])).toThrow(
      /integrationScopes\[0\].integrations must list at least one/,
    );
    expect(
      read([
        { assignee: 'group:default/sre', integrations: ['prod-snow'] },
      ])().integrationScopes.get('group:default/sre'),
    ).toEqual(['prod-snow']);
  });
});
