import {
  UnmatchedAssigneeError,
  type ConnectorContext,
  type PlatformIncidentFields,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  priorityNameForSeverity,
  urgencyForSeverity,
} from '../mapping/severity';
import { statusToPagerDuty } from '../mapping/status';
import type { PagerDutyDirectory } from './directory';

/** How the note mirroring a description change starts; its echo is recognised by it. */
export const DESCRIPTION_NOTE_PREFIX = 'Description updated:\n';

/**
 * The PUT /incidents/{id} body for a set of platform changes, plus the note that carries
 * a description change (PagerDuty cannot edit an incident's body after creation).
 */
export async function updateBody(
  ctx: ConnectorContext,
  directory: PagerDutyDirectory,
  changes: Partial<PlatformIncidentFields>,
): Promise<{
  incident: Record<string, unknown> | undefined;
  descriptionNote?: string;
}> {
  const incident: Record<string, unknown> = { type: 'incident_reference' };
  if (changes.title !== undefined) incident.title = changes.title;
  if (changes.status !== undefined)
    incident.status = statusToPagerDuty(changes.status);
  if (changes.severity !== undefined) {
    incident.urgency = urgencyForSeverity(changes.severity);
    const priorityId = await directory.priorityId(
      ctx,
      priorityNameForSeverity(changes.severity),
    );
    if (priorityId)
      incident.priority = { id: priorityId, type: 'priority_reference' };
  }
  if (changes.escalation_policy) {
    incident.escalation_policy = {
      id: changes.escalation_policy,
      type: 'escalation_policy_reference',
    };
  }
  if (changes.assigned_to) {
    incident.assignments = [
      { assignee: await userReference(ctx, directory, changes.assigned_to) },
    ];
  }
  const descriptionNote =
    changes.description !== undefined
      ? `${DESCRIPTION_NOTE_PREFIX}${changes.description}`
      : undefined;
  return {
    incident: Object.keys(incident).length > 1 ? incident : undefined,
    descriptionNote,
  };
}

/** A user reference for a platform assignee (an email; docs/connectors/pagerduty.md#field-mapping). */
async function userReference(
  ctx: ConnectorContext,
  directory: PagerDutyDirectory,
  email: string,
) {
  const id = await directory.userIdForEmail(ctx, email);
  if (!id) {
    throw new UnmatchedAssigneeError({
      assignee: email,
      reason: `PagerDuty has no user with the email "${email}"`,
    });
  }
  return { id, type: 'user_reference' };
}
