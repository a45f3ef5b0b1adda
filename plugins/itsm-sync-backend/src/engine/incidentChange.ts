import type { IncidentRecord, OutboxInsert } from '../store/types';
import { changedFields, type FieldChanges } from './fields';

/** A change of an incident: platform fields, plus the routing facts that never sync out. */
export type IncidentChanges = FieldChanges & {
  entity_ref?: string | null;
  incident_type?: string | null;
};

/** The incident a change leaves, what it changed, and the outbox rows it causes. */
export interface AppliedIncidentChange {
  /** The incident after the change; the one given when nothing changed. */
  incident: IncidentRecord;
  /** The platform fields whose values changed. */
  changed: FieldChanges;
  /** Whether the incident is to be written (a platform field, its entity or its type changed). */
  written: boolean;
  /** The outbox rows the planner asked for; none unless a platform field changed. */
  outbox: OutboxInsert[];
}

/**
 * The rules of every incident change, from the platform or a vendor: each changed field is
 * marked with when and from where (conflict detection reads the marks), the version goes up
 * by one, and only changed platform fields are planned outbound. Pure.
 */
export function applyIncidentChange(input: {
  incident: IncidentRecord;
  changes: IncidentChanges;
  /** `platform` or `integration:<id>`. */
  source: string;
  now: number;
  /** When the vendor made the change (epoch ms), kept on the marks so an older replay is recognised as stale. */
  externalAt?: number;
  plan: (incident: IncidentRecord, changed: FieldChanges) => OutboxInsert[];
}): AppliedIncidentChange {
  const { incident: before, source, now } = input;
  const { entity_ref, incident_type, ...fields } = input.changes;
  const changed = changedFields(before, fields);
  const fieldsChanged = Object.keys(changed).length > 0;
  const entityChanged =
    entity_ref !== undefined && entity_ref !== before.entity_ref;
  const typeChanged =
    incident_type !== undefined && incident_type !== before.incident_type;
  if (!fieldsChanged && !entityChanged && !typeChanged)
    return { incident: before, changed, written: false, outbox: [] };
  const marks = { ...before.field_changes };
  const externalAt =
    input.externalAt !== undefined && Number.isFinite(input.externalAt)
      ? input.externalAt
      : undefined;
  for (const field of Object.keys(changed)) {
    marks[field] =
      externalAt === undefined
        ? { at: now, source }
        : { at: now, source, external_at: externalAt };
  }
  const incident: IncidentRecord = {
    ...before,
    ...changed,
    ...(entityChanged ? { entity_ref: entity_ref ?? null } : {}),
    ...(typeChanged ? { incident_type: incident_type ?? null } : {}),
    version: before.version + 1,
    field_changes: marks,
    updated_at: now,
  };
  return {
    incident,
    changed,
    written: true,
    outbox: fieldsChanged ? input.plan(incident, changed) : [],
  };
}
