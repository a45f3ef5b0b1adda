import type { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import type { Request } from 'express';

/** Checks one permission for the caller of a request; throws 403 when denied. */
export function createAuthorizer(options: { httpAuth: HttpAuthService; permissions: PermissionsService }) {
  return async function authorize(req: Request, permission: BasicPermission) {
    const credentials = await options.httpAuth.credentials(req);
    const [decision] = await options.permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    return credentials;
  };
}

/** A name for who did something, for audit records and resolved_by. */
export function principalName(credentials: { principal: any }): string {
  const p = credentials.principal;
  if (p?.type === 'user') return p.userEntityRef;
  if (p?.type === 'service') return p.subject;
  return 'anonymous';
}
