import type { PlatformIncidentFields } from '@itsm-sync-hub/plugin-itsm-sync-node';

/** The platform fields that sync, in a stable order. */
export const PLATFORM_FIELDS: Array<keyof PlatformIncidentFields> = [
  'title',
  'description',
  'severity',
  'status',
  'assigned_to',
  'escalation_policy',
];

/** A subset of platform field values. */
export type FieldChanges = Partial<PlatformIncidentFields>;

/** Keeps only known platform fields. */
export function pickPlatformFields(
  values: Record<string, unknown>,
): FieldChanges {
  const out: Record<string, unknown> = {};
  for (const field of PLATFORM_FIELDS) {
    if (field in values && values[field] !== undefined)
      out[field] = values[field];
  }
  return out as FieldChanges;
}

/** Field values compared as sync sees them: null, undefined and '' are all "empty". */
export function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) =>
    v === undefined || v === null || v === '' ? null : v;
  return norm(a) === norm(b);
}

/** The fields of `incoming` whose values differ from `current`. */
export function changedFields(
  current: FieldChanges,
  incoming: FieldChanges,
): FieldChanges {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (!sameValue((current as Record<string, unknown>)[field], value))
      out[field] = value;
  }
  return out as FieldChanges;
}
