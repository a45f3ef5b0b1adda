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
  // Read as a whole object: role names contain dots, which config paths would split.
  const rawRoles = rbac?.getOptional<Record<string, unknown>>('roles') ?? {};
  for (const [key, refs] of Object.entries(rawRoles)) {
    if (!ITSM_SYNC_ROLES.includes(key as ItsmSyncRole)) {
      throw new Error(`itsmSync.rbac.roles.${key} is not a role; roles are ${ITSM_SYNC_ROLES.join(', ')}`);
    }
    if (!Array.isArray(refs) || refs.some(r => typeof r !== 'string')) {
      throw new Error(`itsmSync.rbac.roles.${key} must be a list of user or group entity refs`);
    }
    roles[key as ItsmSyncRole] = refs.map(r => (r as string).toLowerCase());
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
