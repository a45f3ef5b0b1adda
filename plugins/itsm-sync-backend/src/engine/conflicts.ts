import type {
  ConflictStrategy,
  FieldOwnershipRule,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { ruleFor, type OwnershipFieldMapper } from './ownership';
import { sameValue, type FieldChanges } from './fields';

/** When and from where a platform field last changed. */
export interface FieldChangeMark {
  at: number;
  /** `platform`, or `integration:<id>` when an inbound change set it. */
  source: string;
  /** For an inbound change: the vendor's time of it (epoch ms), which later changes of that vendor are ordered by. */
  external_at?: number;
}

/** An inbound change of one field, as the conflict detector sees it. */
export interface InboundFieldChange {
  field: string;
  platformValue: unknown;
  externalValue: unknown;
  /** Vendor time of the external change, epoch ms. */
  externalAt: number;
  /** The platform's last change of the field, if any. */
  platformMark?: FieldChangeMark;
  /** The integration the inbound change comes from. */
  integrationId: string;
}

/**
 * docs/sync-semantics.md#detection: both systems updated the same field within the window (5 s by default), to
 * different values. A platform change that this same integration caused is not a conflict.
 */
export function isConflict(
  change: InboundFieldChange,
  windowMs: number,
): boolean {
  const mark = change.platformMark;
  if (!mark) return false;
  if (mark.source === `integration:${change.integrationId}`) return false;
  if (sameValue(change.platformValue, change.externalValue)) return false;
  return Math.abs(change.externalAt - mark.at) <= windowMs;
}

/** What the strategy says to do with a conflicting field. */
export type ConflictOutcome =
  'apply-external' | 'keep-platform' | 'queue-for-review';

/** The later change wins; a tie goes to the field's owner, else the platform keeps its value. */
function lastWriteWins(
  change: InboundFieldChange,
  rule: FieldOwnershipRule | undefined,
): ConflictOutcome {
  const platformAt = change.platformMark?.at ?? 0;
  if (change.externalAt > platformAt) return 'apply-external';
  if (change.externalAt < platformAt) return 'keep-platform';
  return rule?.owner === 'external' ? 'apply-external' : 'keep-platform';
}

/**
 * Settles a detected conflict by the integration's strategy.
 * - last-write-wins: the later change wins; a tie goes to the field's owner, else the platform.
 * - ownership-priority: the owner wins. When the platform's value came from another
 *   integration, the two integrations' rules are weighed: an external owner beats a
 *   platform owner, and between two external owners the higher priority wins. Where no
 *   rule gives either side a stronger claim (no rule at all, or equal claims), the
 *   default strategy, last-write-wins, decides.
 * - manual-review: queued.
 */
export function settleConflict(options: {
  strategy: ConflictStrategy;
  change: InboundFieldChange;
  rules: FieldOwnershipRule[];
  mapField?: OwnershipFieldMapper;
  /** Rules of the integration whose inbound change set the platform value, if any. */
  otherSourceRules?: FieldOwnershipRule[];
  otherSourceMapField?: OwnershipFieldMapper;
}): ConflictOutcome {
  const { strategy, change, rules, mapField } = options;
  const rule = ruleFor(change.field, rules, mapField);
  switch (strategy) {
    case 'manual-review':
      return 'queue-for-review';
    case 'last-write-wins':
      return lastWriteWins(change, rule);
    case 'ownership-priority': {
      const other = options.otherSourceRules
        ? ruleFor(
            change.field,
            options.otherSourceRules,
            options.otherSourceMapField,
          )
        : undefined;
      if (options.otherSourceRules) {
        // Two integrations disagree: each one's claim is its rule saying "external owns it".
        const mine = rule?.owner === 'external' ? rule.priority : undefined;
        const theirs = other?.owner === 'external' ? other.priority : undefined;
        if (mine !== undefined && (theirs === undefined || mine > theirs))
          return 'apply-external';
        if (theirs !== undefined && (mine === undefined || theirs > mine))
          return 'keep-platform';
        if (
          mine === undefined &&
          (rule?.owner === 'platform' || other?.owner === 'platform')
        ) {
          // Neither integration owns the field and a rule gives it to the platform: keep it.
          return 'keep-platform';
        }
        return lastWriteWins(change, undefined);
      }
      if (rule?.owner === 'external') return 'apply-external';
      if (rule?.owner === 'platform') return 'keep-platform';
      return lastWriteWins(change, rule);
    }
    default:
      return 'keep-platform';
  }
}

/** What a platform change meets on one linked integration, for conflict detection. */
export interface PlatformChangeLink {
  integrationId: string;
  strategy: ConflictStrategy;
  windowSeconds: number;
  rules: FieldOwnershipRule[];
  mapField?: OwnershipFieldMapper;
}

/** A conflict to record, whichever side changed last: queued for review, or settled by the strategy. */
export interface RecordedConflict {
  field: string;
  platform_value: unknown;
  platform_changed_at: number;
  external_value: unknown;
  external_changed_at: number;
  status: 'pending' | 'resolved';
  resolution?: 'use-external' | 'use-platform';
  resolved_by?: string;
}

/** A conflict a platform change raised with an integration's recent change. */
export interface PlatformChangeConflict extends RecordedConflict {
  integration_id: string;
}

/** How a platform change goes on, given the conflicts it raised. */
export interface PlatformChangeConflicts {
  conflicts: PlatformChangeConflict[];
  /** Fields the change may not set: the vendor's value won (ownership-priority, owned by the vendor). */
  refused: string[];
  /** Per integration id, fields not to send it: a person settles them (manual-review). */
  held: Map<string, string[]>;
}

/**
 * docs/sync-semantics.md#detection, the other order: a platform change of a field whose
 * value an integration's inbound change set within that integration's window, to a
 * different value. Settled by the integration's strategy with the roles swapped:
 * last-write-wins lets the platform's later change win; ownership-priority lets the owner
 * win (the vendor, when its rule says `external`: the platform change of the field is
 * refused); manual-review queues it and holds the field back from that ticket. Pure.
 */
export function platformChangeConflicts(input: {
  incident: FieldChanges & { field_changes: Record<string, FieldChangeMark> };
  changes: Record<string, unknown>;
  now: number;
  links: PlatformChangeLink[];
}): PlatformChangeConflicts {
  const result: PlatformChangeConflicts = {
    conflicts: [],
    refused: [],
    held: new Map(),
  };
  for (const [field, value] of Object.entries(input.changes)) {
    const mark = input.incident.field_changes[field];
    if (!mark?.source.startsWith('integration:')) continue;
    const link = input.links.find(
      l => mark.source === `integration:${l.integrationId}`,
    );
    if (!link) continue;
    const current = (input.incident as Record<string, unknown>)[field];
    if (sameValue(current, value)) continue;
    if (Math.abs(input.now - mark.at) > link.windowSeconds * 1000) continue;
    const record = {
      integration_id: link.integrationId,
      field,
      platform_value: value,
      platform_changed_at: input.now,
      external_value: current,
      external_changed_at: mark.external_at ?? mark.at,
    };
    const strategy = `strategy:${link.strategy}`;
    if (link.strategy === 'manual-review') {
      result.conflicts.push({ ...record, status: 'pending' });
      result.held.set(link.integrationId, [
        ...(result.held.get(link.integrationId) ?? []),
        field,
      ]);
      continue;
    }
    const owner = ruleFor(field, link.rules, link.mapField)?.owner;
    const vendorWins =
      link.strategy === 'ownership-priority' && owner === 'external';
    if (vendorWins) result.refused.push(field);
    result.conflicts.push({
      ...record,
      status: 'resolved',
      resolution: vendorWins ? 'use-external' : 'use-platform',
      resolved_by: strategy,
    });
  }
  return result;
}
