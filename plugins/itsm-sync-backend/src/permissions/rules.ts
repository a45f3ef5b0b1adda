import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  conflictPermissionResourceRef,
  integrationPermissionResourceRef,
  type IntegrationPermissionResource,
} from './resources';

const integrationsParams = z.object({
  integrations: z.array(z.string()).describe('Integration ids or names'),
});

/** Whether an integration is one of `listed` (ids or names; names ignore case). */
function isListedIntegration(
  integration: IntegrationPermissionResource,
  listed: string[],
): boolean {
  const name = integration.name.toLowerCase();
  return listed.some(
    entry => entry === integration.id || entry.toLowerCase() === name,
  );
}

/**
 * Whether an `assigned_to` value names one of `assignees`: the same text ignoring case,
 * or the name of a user entity ref (`user:default/david.loo` is `david.loo`), since the
 * platform and the vendors hold user names, not refs.
 */
function isAssignedToOneOf(
  assignedTo: string | null,
  assignees: string[],
): boolean {
  if (!assignedTo) return false;
  const value = assignedTo.trim().toLowerCase();
  return assignees.some(ref => {
    const lower = ref.toLowerCase();
    return (
      lower === value ||
      (lower.startsWith('user:') &&
        lower.slice(lower.lastIndexOf('/') + 1) === value)
    );
  });
}

/** The integration is in the caller's scope. @public */
export const isIntegrationInScope = createPermissionRule({
  name: 'IS_INTEGRATION_IN_SCOPE',
  description: 'Allow integrations listed by id or name',
  resourceRef: integrationPermissionResourceRef,
  paramsSchema: integrationsParams,
  apply: (integration, { integrations }) =>
    isListedIntegration(integration, integrations),
  toQuery: ({ integrations }) => ({ key: 'integration', values: integrations }),
});

/** The conflict is on an integration in the caller's scope. @public */
export const isConflictOnIntegration = createPermissionRule({
  name: 'IS_CONFLICT_ON_INTEGRATION',
  description: 'Allow conflicts on integrations listed by id or name',
  resourceRef: conflictPermissionResourceRef,
  paramsSchema: integrationsParams,
  apply: (conflict, { integrations }) =>
    isListedIntegration(conflict.integration, integrations),
  toQuery: ({ integrations }) => ({ key: 'integration', values: integrations }),
});

/** The conflict's incident is assigned to the caller. @public */
export const isConflictOfAssignee = createPermissionRule({
  name: 'IS_CONFLICT_OF_ASSIGNEE',
  description:
    'Allow conflicts of incidents assigned to one of the given users (entity refs or names)',
  resourceRef: conflictPermissionResourceRef,
  paramsSchema: z.object({
    assignees: z.array(z.string()).describe('User entity refs or user names'),
  }),
  apply: (conflict, { assignees }) =>
    isAssignedToOneOf(conflict.incidentAssignedTo, assignees),
  toQuery: ({ assignees }) => ({ key: 'assignee', values: assignees }),
});

/** @public */
export const integrationPermissionRules = { isIntegrationInScope };
/** @public */
export const conflictPermissionRules = {
  isConflictOnIntegration,
  isConflictOfAssignee,
};
