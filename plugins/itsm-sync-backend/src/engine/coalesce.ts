import type { NoteVisibility } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { FieldChanges } from './fields';

/** A note as queued for a vendor (docs/sync-semantics.md#notes-and-channels). */
export interface OutboxNote {
  text: string;
  author?: string;
  visibility?: NoteVisibility;
  /** Where it was written, for people (`PagerDuty`); absent for a platform note. */
  origin?: string;
  /** The hub's key of the note, the same on every retry: a delivery posts it once. */
  key?: string;
}

/** An outbox operation's payload. */
export interface OutboxPayload {
  /** Fields to write (values as enqueued; the dispatcher sends current values). */
  changes?: FieldChanges;
  /** Notes to add, in order. */
  notes?: OutboxNote[];
  /** Fields sent whatever ownership says: a person or the conflict strategy chose the platform value. */
  forced?: string[];
}

/**
 * Queued updates of one ticket become one vendor call: later values of a field replace
 * earlier ones, and notes keep their order. Order of arrival is the array order.
 */
export function coalescePayloads(payloads: OutboxPayload[]): OutboxPayload {
  const changes: Record<string, unknown> = {};
  const notes: OutboxNote[] = [];
  const forced = new Set<string>();
  for (const payload of payloads) {
    Object.assign(changes, payload.changes ?? {});
    notes.push(...(payload.notes ?? []));
    for (const f of payload.forced ?? []) forced.add(f);
  }
  return {
    ...(Object.keys(changes).length
      ? { changes: changes as FieldChanges }
      : {}),
    ...(notes.length ? { notes } : {}),
    ...(forced.size ? { forced: [...forced] } : {}),
  };
}
