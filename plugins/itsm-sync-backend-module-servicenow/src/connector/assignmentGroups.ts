import type { PlatformIncidentFields } from '@itsm-sync-hub/plugin-itsm-sync-node';

/**
 * `settings.assignment_groups`: the ServiceNow assignment group of each escalation policy
 * (a PagerDuty policy id, as the platform's `escalation_policy` holds it), so a reassignment
 * in PagerDuty moves the ticket to that group (docs/connectors/servicenow.md#assignment-groups).
 */
function groupsOf(settings: Record<string, unknown>): Record<string, string> {
  const groups = settings.assignment_groups;
  return groups && typeof groups === 'object' && !Array.isArray(groups)
    ? (groups as Record<string, string>)
    : {};
}

/** Throws an Error naming the bad entry of `assignment_groups`. */
export function validateAssignmentGroups(
  settings: Record<string, unknown>,
): void {
  const groups = settings.assignment_groups;
  if (groups === undefined || groups === null) return;
  if (typeof groups !== 'object' || Array.isArray(groups))
    throw new Error(
      'assignment_groups must be an object of escalation policy to assignment group',
    );
  for (const [policy, group] of Object.entries(groups))
    if (typeof group !== 'string' || !group.trim())
      throw new Error(
        `assignment_groups.${policy} must be a non-empty assignment group name or sys_id`,
      );
}

/**
 * The `assignment_group` column for a change of the escalation policy, when the setting
 * maps that policy; an unmapped policy leaves the group as it is.
 */
export function assignmentGroupColumns(
  settings: Record<string, unknown>,
  changes: Partial<PlatformIncidentFields>,
): Record<string, string> {
  const policy = changes.escalation_policy;
  if (!policy) return {};
  const group = groupsOf(settings)[policy];
  return group ? { assignment_group: group } : {};
}

/** The escalation policy an assignment group maps back to, if one does. */
export function escalationPolicyOfGroup(
  settings: Record<string, unknown>,
  group: string,
): string | undefined {
  return Object.entries(groupsOf(settings)).find(([, g]) => g === group)?.[0];
}
