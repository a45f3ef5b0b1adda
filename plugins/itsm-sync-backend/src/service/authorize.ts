import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  itsmSyncConflictResolvePermission,
  itsmSyncIntegrationManagePermission,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { Request } from 'express';
import type { ItsmSyncPermissionRulesets } from '../permissions/registerPermissions';
import type {
  ConflictPermissionResource,
  IntegrationPermissionResource,
} from '../permissions/resources';
import type { IntegrationService } from '../sync/IntegrationService';

/** Checks one permission for known credentials (an action's caller); throws 403 when denied. */
export function createCredentialsAuthorizer(options: {
  permissions: PermissionsService;
}) {
  return async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await options.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    return credentials;
  };
}

/** Checks one permission for the caller of a request; throws 403 when denied. */
export function createAuthorizer(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const authorizeCredentials = createCredentialsAuthorizer(options);
  return async function authorize(req: Request, permission: BasicPermission) {
    return authorizeCredentials(
      await options.httpAuth.credentials(req),
      permission,
    );
  };
}

/** What a resource permission check grants before the resource is loaded. */
export interface ResourceAccess<TResource> {
  credentials: BackstageCredentials;
  /** Throws 403 unless the decision covers this resource (a policy may scope it). */
  require(resource: TResource): void;
}

interface ResourceCheck<TResource> {
  permission: ResourcePermission;
  /** Applies a decision to a resource (true for ALLOW, the conditions for CONDITIONAL). */
  applies(decision: PolicyDecision, resource: TResource): boolean;
  describe(resource: TResource): string;
}

/**
 * Checks the plugin's two resource permissions in two steps: the caller is refused at
 * once when the policy denies outright (before any input is read or resource loaded),
 * and once the resource is known, a conditional decision (a scoped role) is applied to it
 * here, in process, with the plugin's rules.
 */
export function createResourceAuthorizer(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionRules: ItsmSyncPermissionRulesets;
  integrations: Pick<IntegrationService, 'resolve'>;
}) {
  async function access<TResource>(
    req: Request,
    check: ResourceCheck<TResource>,
  ): Promise<ResourceAccess<TResource>> {
    return accessFor(await options.httpAuth.credentials(req), check);
  }

  async function accessFor<TResource>(
    credentials: BackstageCredentials,
    check: ResourceCheck<TResource>,
  ): Promise<ResourceAccess<TResource>> {
    const [decision] = await options.permissions.authorizeConditional(
      [{ permission: check.permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`Not allowed: ${check.permission.name}`);
    }
    return {
      credentials,
      require(resource) {
        if (!check.applies(decision, resource)) {
          throw new NotAllowedError(
            `Not allowed: ${check.permission.name} on ${check.describe(resource)}`,
          );
        }
      },
    };
  }

  const manage: ResourceCheck<IntegrationPermissionResource> = {
    permission: itsmSyncIntegrationManagePermission,
    applies: createConditionAuthorizer(options.permissionRules.integration),
    describe: integration => `integration '${integration.name}'`,
  };
  const resolve: ResourceCheck<ConflictPermissionResource> = {
    permission: itsmSyncConflictResolvePermission,
    applies: createConditionAuthorizer(options.permissionRules.conflict),
    describe: conflict => `conflict '${conflict.id}'`,
  };
  return {
    /** `itsm-sync.integration.manage`, scoped to integrations. */
    manageIntegration: (req: Request) => access(req, manage),
    /**
     * The integration a request names (`:ref`), once the caller may manage it: 403 before
     * the look-up when denied outright, 404 when there is none, 403 when out of scope.
     */
    async managedIntegration(req: Request) {
      const granted = await access(req, manage);
      const integration = await options.integrations.resolve(req.params.ref);
      granted.require(integration);
      return { integration, access: granted };
    },
    /** Whether the caller may manage this integration, without refusing (what a reader is shown). */
    async mayManage(
      req: Request,
      integration: IntegrationPermissionResource,
    ): Promise<boolean> {
      const credentials = await options.httpAuth.credentials(req);
      const [decision] = await options.permissions.authorizeConditional(
        [{ permission: manage.permission }],
        { credentials },
      );
      return (
        decision.result !== AuthorizeResult.DENY &&
        manage.applies(decision, integration)
      );
    },
    /** `itsm-sync.conflict.resolve`, scoped to conflicts. */
    resolveConflict: (req: Request) => access(req, resolve),
    /** The same for known credentials (an action's caller). */
    resolveConflictAs: (credentials: BackstageCredentials) =>
      accessFor(credentials, resolve),
  };
}

/** A name for who did something, for audit records and resolved_by. */
export function principalName(credentials: { principal: any }): string {
  const p = credentials.principal;
  if (p?.type === 'user') return p.userEntityRef;
  if (p?.type === 'service') return p.subject;
  return 'anonymous';
}
