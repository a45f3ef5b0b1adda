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

async function decide(who: PolicyQueryUser | undefined, permission: { name: string }) {
  return (await policy.handle({ permission: permission as any }, who)).result;
}

describe('ItsmSyncRbacPolicy (spec 000 roles)', () => {
  const viewer = user('user:default/vic', ['group:default/everyone']);
  const commander = user('user:default/cmd', ['group:default/commanders']);
  const manager = user('user:default/mgr', ['group:default/integrations']);
  const admin = user('user:default/root');

  it.each([
    ['viewer', viewer, [itsmSyncReadPermission], [itsmSyncIntegrationManagePermission, itsmSyncConflictResolvePermission, itsmSyncIncidentWritePermission]],
    ['incident_commander', commander, [itsmSyncReadPermission, itsmSyncConflictResolvePermission, itsmSyncIncidentWritePermission], [itsmSyncIntegrationManagePermission]],
    ['integration.manager', manager, [itsmSyncReadPermission, itsmSyncIntegrationManagePermission, itsmSyncConflictResolvePermission, itsmSyncIncidentWritePermission], []],
    ['platform.administrator', admin, [itsmSyncReadPermission, itsmSyncIntegrationManagePermission, itsmSyncConflictResolvePermission, itsmSyncIncidentWritePermission], []],
  ])('gives a %s exactly its permissions', async (_role, who, allowed, denied) => {
    for (const p of allowed) expect([p.name, await decide(who, p)]).toEqual([p.name, AuthorizeResult.ALLOW]);
    for (const p of denied) expect([p.name, await decide(who, p)]).toEqual([p.name, AuthorizeResult.DENY]);
  });

  it('denies itsm-sync to users with no role and no default, and leaves other plugins alone', async () => {
    const stranger = user('user:default/stranger');
    expect(await decide(stranger, itsmSyncReadPermission)).toBe(AuthorizeResult.DENY);
    expect(await decide(undefined, itsmSyncReadPermission)).toBe(AuthorizeResult.DENY);
    expect(await decide(stranger, { name: 'catalog.entity.read' })).toBe(AuthorizeResult.ALLOW);
  });

  it('gives unassigned users the default role when one is configured', async () => {
    const withDefault = new ItsmSyncRbacPolicy(readRbacSettings(new ConfigReader({ itsmSync: { rbac: { defaultRole: 'viewer' } } })));
    const stranger = user('user:default/stranger');
    expect((await withDefault.handle({ permission: itsmSyncReadPermission } as any, stranger)).result).toBe(AuthorizeResult.ALLOW);
    expect((await withDefault.handle({ permission: itsmSyncIntegrationManagePermission } as any, stranger)).result).toBe(AuthorizeResult.DENY);
  });

  it('refuses an unknown role in config with a message naming it', () => {
    expect(() => readRbacSettings(new ConfigReader({ itsmSync: { rbac: { roles: { superuser: ['user:default/x'] } } } }))).toThrow(
      /itsmSync.rbac.roles.superuser is not a role/,
    );
    expect(() => readRbacSettings(new ConfigReader({ itsmSync: { rbac: { defaultRole: 'god' } } }))).toThrow(/defaultRole 'god'/);
  });
});
