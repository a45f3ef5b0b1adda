import type {
  ConflictStrategy,
  FieldOwnershipRule,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { ruleFor, type OwnershipFieldMapper } from './ownership';
import { sameValue } from './fields';

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
