import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  ITSM_SYNC_ROLES,
  ITSM_SYNC_ROLE_PERMISSIONS,
  type ItsmSyncRole,
} from '@itsm-sync-hub/plugin-itsm-sync-common';

const ITSM_PREFIX = 'itsm-sync.';

/** Role assignments read from `itsmSync.rbac` (see config.d.ts of the itsm-sync plugin). */
export interface RbacSettings {
  /** Entity refs (users or groups) per role. */
  roles: Partial<Record<ItsmSyncRole, string[]>>;
  /** Role of a signed-in user with no assignment; none means no itsm-sync access. */
  defaultRole?: ItsmSyncRole;
}

export function readRbacSettings(config: Config): RbacSettings {
  const rbac = config.getOptionalConfig('itsmSync.rbac');
  const roles: RbacSettings['roles'] = {};
  const defaultRole = rbac?.getOptionalString('defaultRole');
  if (defaultRole !== undefined && !ITSM_SYNC_ROLES.includes(defaultRole as ItsmSyncRole)) {
    throw new Error(`itsmSync.rbac.defaultRole '${defaultRole}' is not one of ${ITSM_SYNC_ROLES.join(', ')}`);
  }
  const rolesConfig = rbac?.getOptionalConfig('roles');
  for (const key of rolesConfig?.keys() ?? []) {
    if (!ITSM_SYNC_ROLES.includes(key as ItsmSyncRole)) {
      throw new Error(`itsmSync.rbac.roles.${key} is not a role; roles are ${ITSM_SYNC_ROLES.join(', ')}`);
    }
    roles[key as ItsmSyncRole] = rolesConfig!.getStringArray(key).map(r => r.toLowerCase());
  }
  return { roles, defaultRole: defaultRole as ItsmSyncRole | undefined };
}

/**
 * The spec 000 RBAC roles as a Backstage permission policy: a user holds every role
 * assigned to them or to a group they belong to, and is allowed the union of those
 * roles' itsm-sync permissions. Permissions of other plugins are allowed.
 */
export class ItsmSyncRbacPolicy implements PermissionPolicy {
  constructor(private readonly settings: RbacSettings) {}

  rolesOf(user?: PolicyQueryUser): ItsmSyncRole[] {
    if (!user) return [];
    const refs = new Set([user.info.userEntityRef, ...(user.info.ownershipEntityRefs ?? [])].map(r => r.toLowerCase()));
    const held = ITSM_SYNC_ROLES.filter(role => (this.settings.roles[role] ?? []).some(ref => refs.has(ref)));
    if (!held.length && this.settings.defaultRole) held.push(this.settings.defaultRole);
    return held;
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (!name.startsWith(ITSM_PREFIX)) return { result: AuthorizeResult.ALLOW };
    const allowed = this.rolesOf(user).some(role => ITSM_SYNC_ROLE_PERMISSIONS[role].includes(name));
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}
