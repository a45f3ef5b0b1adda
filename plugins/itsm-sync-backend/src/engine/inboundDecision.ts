import type {
  ConflictStrategy,
  FieldOwnershipRule,
  SyncSkipReason,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type {
  IncidentNote,
  NormalizedChange,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  isConflict,
  settleConflict,
  type FieldChangeMark,
  type RecordedConflict,
} from './conflicts';
import { withoutEchoes } from './echo';
import { changedFields, pickPlatformFields, type FieldChanges } from './fields';
import { inboundAllowed, type OwnershipFieldMapper } from './ownership';

/** What a decision needs of the integration a change came from. */
export interface InboundSource {
  id: string;
  conflict_strategy: ConflictStrategy;
  conflict_window_seconds: number;
  rules: FieldOwnershipRule[];
  mapper?: OwnershipFieldMapper;
}

/** A conflict a vendor change raised: queued for review, or settled by the strategy. */
export type InboundConflict = RecordedConflict;

/** What one vendor change does to a linked incident. */
export interface InboundDecision {
  /** A note for the timeline, fanned out to the other integrations. */
  note?: { note: IncidentNote; author: string | null };
  /** A timeline event (not fanned out). */
  event?: { text: string; author: string | null };
  /** Platform fields to set. */
  toApply: FieldChanges;
  /** Fields where the platform won a conflict: its value goes back to this ticket. */
  restore: FieldChanges;
  conflicts: InboundConflict[];
  /** The link waits for a person to settle a conflict. */
  queuedForReview: boolean;
  /** The values the vendor now holds, remembered so they are neither echoed nor re-applied. */
  remember: Record<string, unknown>;
  /** Whether the change did anything (the webhook's `applied` count). */
  applied: boolean;
  /**
   * Fields left alone because the change is older than the field's last applied change
   * (a replay or a late delivery): recorded on the timeline, never applied.
   */
  stale: StaleField[];
  /** Why each incoming field was applied or skipped, for the sync trace (docs/sync-semantics.md#sync-trace). */
  fields: FieldVerdict[];
}

/** What the decision did with one incoming field, and why. */
export interface FieldVerdict {
  field: string;
  outcome: 'applied' | 'skipped';
  reason?: SyncSkipReason;
  /** One line a person reads: the rule, the conflict's outcome, the newer change. */
  why: string;
}

/** A field an inbound change would have set, had its last applied change not been newer. */
export interface StaleField {
  field: string;
  /** The vendor's time of the refused change, epoch ms. */
  externalAt: number;
  /** When the field last changed, on the clock the comparison used, epoch ms. */
  lastChangedAt: number;
}

/**
 * When the field last changed, for ordering a change of `integrationId` against it: the
 * vendor's own time when that vendor made the last change (both clocks the vendor's), the
 * hub's time when the platform or another integration did. Undefined when it cannot be
 * told (no mark, or an older mark of the same vendor without its time).
 */
function lastChangedAt(
  mark: FieldChangeMark | undefined,
  integrationId: string,
): number | undefined {
  if (!mark) return undefined;
  if (mark.source === `integration:${integrationId}`) return mark.external_at;
  return mark.at;
}

/**
 * Decides, without I/O, what one vendor change does to the incident it is linked to:
 * echoes of the hub's own writes are dropped, ownership filters fields, and a field the
 * platform also changed within the window is a conflict settled by the strategy; outside
 * it, a change older than the field's last applied change is stale and left alone.
 * `incident` must be the incident as earlier changes of the same batch left it.
 */
export function decideInbound(input: {
  change: NormalizedChange;
  source: InboundSource;
  incident: FieldChanges & { field_changes: Record<string, FieldChangeMark> };
  lastWritten: Record<string, unknown>;
  now: number;
  /** Rules of another integration whose change set the platform value, if known. */
  otherSource: (
    integrationId: string,
  ) =>
    { rules: FieldOwnershipRule[]; mapper?: OwnershipFieldMapper } | undefined;
}): InboundDecision {
  const { change, source, incident, now } = input;
  const decision: InboundDecision = {
    toApply: {},
    restore: {},
    conflicts: [],
    queuedForReview: false,
    remember: {},
    applied: false,
    stale: [],
    fields: [],
  };
  const verdicts = decision.fields;
  if (change.note && inboundAllowed('notes', source.rules, source.mapper)) {
    decision.note = {
      note: change.note,
      author: change.note.author ?? change.actor ?? null,
    };
    verdicts.push({ field: 'notes', outcome: 'applied', why: 'note added' });
  } else if (change.note) {
    verdicts.push({
      field: 'notes',
      outcome: 'skipped',
      reason: 'owner',
      why: 'the platform owns notes',
    });
  }
  if (change.timeline)
    decision.event = { text: change.timeline, author: change.actor ?? null };

  const incoming = pickPlatformFields(
    change.fields as Record<string, unknown>,
  ) as Record<string, unknown>;
  decision.remember = incoming;
  const { kept, echoed } = withoutEchoes(input.lastWritten, incoming);
  for (const field of echoed)
    verdicts.push({
      field,
      outcome: 'skipped',
      reason: 'echo',
      why: 'the value is what the hub last wrote to the ticket',
    });
  const differing = changedFields(incident, kept as FieldChanges) as Record<
    string,
    unknown
  >;
  for (const field of Object.keys(kept))
    if (!(field in differing))
      verdicts.push({
        field,
        outcome: 'skipped',
        reason: 'unchanged',
        why: 'the platform already has this value',
      });
  const externalAt = Number.isNaN(Date.parse(change.occurredAt))
    ? now
    : Date.parse(change.occurredAt);
  const toApply: Record<string, unknown> = {};
  const restore: Record<string, unknown> = {};

  for (const [field, value] of Object.entries(differing)) {
    const fieldChange = {
      field,
      platformValue: (incident as Record<string, unknown>)[field],
      externalValue: value,
      externalAt,
      platformMark: incident.field_changes[field],
      integrationId: source.id,
    };
    if (!isConflict(fieldChange, source.conflict_window_seconds * 1000)) {
      if (!inboundAllowed(field, source.rules, source.mapper)) {
        verdicts.push({
          field,
          outcome: 'skipped',
          reason: 'owner',
          why: 'the platform owns this field',
        });
        continue;
      }
      // Outside the conflict window an older change never wins: a replayed or late
      // "resolved" cannot roll back what was applied since.
      const last = lastChangedAt(fieldChange.platformMark, source.id);
      if (last !== undefined && externalAt < last) {
        decision.stale.push({ field, externalAt, lastChangedAt: last });
        verdicts.push({
          field,
          outcome: 'skipped',
          reason: 'stale',
          why: `the field changed later (${new Date(last).toISOString()})`,
        });
      } else {
        toApply[field] = value;
        verdicts.push({ field, outcome: 'applied', why: 'applied' });
      }
      continue;
    }
    const markSource = fieldChange.platformMark!.source;
    const other = markSource.startsWith('integration:')
      ? input.otherSource(markSource.slice('integration:'.length))
      : undefined;
    const outcome = settleConflict({
      strategy: source.conflict_strategy,
      change: fieldChange,
      rules: source.rules,
      mapField: source.mapper,
      otherSourceRules: other?.rules,
      otherSourceMapField: other?.mapper,
    });
    const record = {
      field,
      platform_value: fieldChange.platformValue,
      platform_changed_at: fieldChange.platformMark!.at,
      external_value: value,
      external_changed_at: externalAt,
    };
    const platformChange = `the platform changed it ${Math.abs(externalAt - record.platform_changed_at)} ms apart (${markSource})`;
    if (outcome === 'queue-for-review') {
      decision.conflicts.push({ ...record, status: 'pending' });
      decision.queuedForReview = true;
      verdicts.push({
        field,
        outcome: 'skipped',
        reason: 'conflict',
        why: `${platformChange}; queued for review`,
      });
      continue;
    }
    verdicts.push(
      outcome === 'apply-external'
        ? {
            field,
            outcome: 'applied',
            why: `${platformChange}; ${source.conflict_strategy} chose the vendor's value`,
          }
        : {
            field,
            outcome: 'skipped',
            reason: 'conflict',
            why: `${platformChange}; ${source.conflict_strategy} kept the platform's value`,
          },
    );
    decision.conflicts.push({
      ...record,
      status: 'resolved',
      resolution:
        outcome === 'apply-external' ? 'use-external' : 'use-platform',
      resolved_by: `strategy:${source.conflict_strategy}`,
    });
    if (outcome === 'apply-external') toApply[field] = value;
    else restore[field] = fieldChange.platformValue;
  }

  // A stale value is not what the vendor holds now: remembering it would drop a real later change as an echo.
  if (decision.stale.length) {
    decision.remember = { ...incoming };
    for (const { field } of decision.stale) delete decision.remember[field];
  }
  decision.toApply = toApply as FieldChanges;
  decision.restore = restore as FieldChanges;
  decision.applied = Boolean(
    decision.note ||
    decision.event ||
    Object.keys(toApply).length ||
    Object.keys(restore).length,
  );
  return decision;
}
