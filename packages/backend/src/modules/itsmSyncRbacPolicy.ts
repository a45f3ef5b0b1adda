import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  createItsmSyncConflictConditionalDecision,
  createItsmSyncIntegrationConditionalDecision,
  itsmSyncConflictConditions,
  itsmSyncIntegrationConditions,
} from '@itsm-sync-hub/plugin-itsm-sync-backend';
import {
  itsmSyncConflictResolvePermission,
  itsmSyncIntegrationManagePermission,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ITSM_SYNC_ROLES,
  ITSM_SYNC_ROLE_PERMISSIONS,
  type ItsmSyncRole,
} from './itsmSyncRoles';

const ITSM_PREFIX = 'itsm-sync.';

/** Role assignments read from `itsmSync.rbac` (see packages/backend/config.d.ts). */
export interface RbacSettings {
  /** Entity refs (users or groups) per role, lower case. */
  roles: Partial<Record<ItsmSyncRole, string[]>>;
  /** Role of a signed-in user with no assignment; none means no itsm-sync access. */
  defaultRole?: ItsmSyncRole;
  /**
   * The integrations (ids or names) an `integration.manager` assignee manages, by the
   * assignee's lower-case entity ref. An assignee without an entry manages all of them.
   */
  integrationScopes: Map<string, string[]>;
}

function readRoles(rbac: Config | undefined): RbacSettings['roles'] {
  const roles: RbacSettings['roles'] = {};
  // Read as a whole object: role names contain dots, which config paths would split.
  const rawRoles = rbac?.getOptional<Record<string, unknown>>('roles') ?? {};
  for (const [key, refs] of Object.entries(rawRoles)) {
    if (!ITSM_SYNC_ROLES.includes(key as ItsmSyncRole)) {
      throw new Error(
        `itsmSync.rbac.roles.${key} is not a role; roles are ${ITSM_SYNC_ROLES.join(', ')}`,
      );
    }
    if (!Array.isArray(refs) || refs.some(r => typeof r !== 'string')) {
      throw new Error(
        `itsmSync.rbac.roles.${key} must be a list of user or group entity refs`,
      );
    }
    roles[key as ItsmSyncRole] = refs.map(r => (r as string).toLowerCase());
  }
  return roles;
}

function readIntegrationScopes(
  rbac: Config | undefined,
  managers: string[],
): Map<string, string[]> {
  const scopes = new Map<string, string[]>();
  for (const [index, entry] of (
    rbac?.getOptionalConfigArray('integrationScopes') ?? []
  ).entries()) {
    const where = `itsmSync.rbac.integrationScopes[${index}]`;
    const assignee = entry.getString('assignee').toLowerCase();
    if (!managers.includes(assignee)) {
      throw new Error(
        `${where}.assignee '${assignee}' is not assigned the integration.manager role`,
      );
    }
    const integrations = entry.getStringArray('integrations');
    if (!integrations.length)
      throw new Error(
        `${where}.integrations must list at least one integration id or name`,
      );
    scopes.set(assignee, [...(scopes.get(assignee) ?? []), ...integrations]);
  }
  return scopes;
}

export function readRbacSettings(config: Config): RbacSettings {
  const rbac = config.getOptionalConfig('itsmSync.rbac');
  const defaultRole = rbac?.getOptionalString('defaultRole');
  if (
    defaultRole !== undefined &&
    !ITSM_SYNC_ROLES.includes(defaultRole as ItsmSyncRole)
  ) {
    throw new Error(
      `itsmSync.rbac.defaultRole '${defaultRole}' is not one of ${ITSM_SYNC_ROLES.join(', ')}`,
    );
  }
  const roles = readRoles(rbac);
  const integrationScopes = readIntegrationScopes(
    rbac,
    roles['integration.manager'] ?? [],
  );
  return {
    roles,
    defaultRole: defaultRole as ItsmSyncRole | undefined,
    integrationScopes,
  };
}

/** What a user holds: roles, and the integrations its `integration.manager` role covers. */
interface Grants {
  roles: ItsmSyncRole[];
  /** 'all' unless every assignment that made the user a manager is scoped. */
  managedIntegrations: 'all' | string[] | undefined;
}

/**
 * The RBAC roles (docs/sync-semantics.md#roles) as a Backstage permission policy: a user holds every role
 * assigned to them or to a group they belong to, and is allowed the union of those
 * roles' itsm-sync permissions. Two are scoped: an `integration.manager` whose
 * assignment lists integrations manages only those (and resolves only their conflicts),
 * and an `incident_commander` resolves the conflicts of incidents assigned to it. Those
 * come back as conditional decisions, applied by the itsm-sync plugin to the integration
 * or conflict at hand. Permissions of other plugins are allowed.
 */
export class ItsmSyncRbacPolicy implements PermissionPolicy {
  constructor(private readonly settings: RbacSettings) {}

  private grantsOf(user?: PolicyQueryUser): Grants {
    if (!user) return { roles: [], managedIntegrations: undefined };
    const refs = new Set(
      [user.info.userEntityRef, ...(user.info.ownershipEntityRefs ?? [])].map(
        r => r.toLowerCase(),
      ),
    );
    const assignedBy = (role: ItsmSyncRole) =>
      (this.settings.roles[role] ?? []).filter(ref => refs.has(ref));
    const roles = ITSM_SYNC_ROLES.filter(role => assignedBy(role).length > 0);
    if (!roles.length && this.settings.defaultRole) {
      return {
        roles: [this.settings.defaultRole],
        managedIntegrations:
          this.settings.defaultRole === 'integration.manager'
            ? 'all'
            : undefined,
      };
    }
    const managerAssignments = assignedBy('integration.manager');
    const scopes = managerAssignments.map(ref =>
      this.settings.integrationScopes.get(ref),
    );
    let managedIntegrations: Grants['managedIntegrations'];
    if (scopes.length)
      managedIntegrations = scopes.some(s => !s)
        ? 'all'
        : [...new Set(scopes.flatMap(s => s!))];
    return { roles, managedIntegrations };
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (!name.startsWith(ITSM_PREFIX)) return { result: AuthorizeResult.ALLOW };
    const grants = this.grantsOf(user);
    if (grants.roles.includes('platform.administrator'))
      return { result: AuthorizeResult.ALLOW };
    if (name === itsmSyncIntegrationManagePermission.name)
      return this.manageDecision(grants);
    if (name === itsmSyncConflictResolvePermission.name)
      return this.resolveDecision(grants, user);
    const allowed = grants.roles.some(role =>
      ITSM_SYNC_ROLE_PERMISSIONS[role].includes(name),
    );
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }

  private manageDecision(grants: Grants): PolicyDecision {
    const scope = grants.managedIntegrations;
    if (scope === 'all') return { result: AuthorizeResult.ALLOW };
    if (!scope) return { result: AuthorizeResult.DENY };
    return createItsmSyncIntegrationConditionalDecision(
      itsmSyncIntegrationManagePermission,
      itsmSyncIntegrationConditions.isIntegrationInScope({
        integrations: scope,
      }),
    );
  }

  private resolveDecision(
    grants: Grants,
    user?: PolicyQueryUser,
  ): PolicyDecision {
    const scope = grants.managedIntegrations;
    if (scope === 'all') return { result: AuthorizeResult.ALLOW };
    const anyOf: PermissionCriteria<
      PermissionCondition<'itsm-sync-conflict'>
    >[] = [];
    if (scope)
      anyOf.push(
        itsmSyncConflictConditions.isConflictOnIntegration({
          integrations: scope,
        }),
      );
    if (grants.roles.includes('incident_commander') && user) {
      anyOf.push(
        itsmSyncConflictConditions.isConflictOfAssignee({
          assignees: [user.info.userEntityRef],
        }),
      );
    }
    const [first, ...rest] = anyOf;
    if (!first) return { result: AuthorizeResult.DENY };
    return createItsmSyncConflictConditionalDecision(
      itsmSyncConflictResolvePermission,
      rest.length ? { anyOf: [first, ...rest] } : first,
    );
  }
}
