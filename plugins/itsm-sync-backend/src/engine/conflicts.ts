import type { ConflictStrategy, FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { ruleFor, type OwnershipFieldMapper } from './ownership';
import { sameValue } from './fields';

/** When and from where a platform field last changed. */
export interface FieldChangeMark {
  at: number;
  /** `platform`, or `integration:<id>` when an inbound change set it. */
  source: string;
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
 * Spec 000: both systems updated the same field within the window (5 s by default), to
 * different values. A platform change that this same integration caused is not a conflict.
 */
export function isConflict(change: InboundFieldChange, windowMs: number): boolean {
  const mark = change.platformMark;
  if (!mark) return false;
  if (mark.source === `integration:${change.integrationId}`) return false;
  if (sameValue(change.platformValue, change.externalValue)) return false;
  return Math.abs(change.externalAt - mark.at) <= windowMs;
}

/** What the strategy says to do with a conflicting field. */
export type ConflictOutcome = 'apply-external' | 'keep-platform' | 'queue-for-review';

/**
 * Settles a detected conflict by the integration's strategy.
 * - last-write-wins: the later change wins; a tie goes to the field's owner, else the platform.
 * - ownership-priority: the owner wins. When the platform's value came from another
 *   integration, the higher-priority rule of the two integrations wins.
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
    case 'last-write-wins': {
      const platformAt = change.platformMark?.at ?? 0;
      if (change.externalAt > platformAt) return 'apply-external';
      if (change.externalAt < platformAt) return 'keep-platform';
      return rule?.owner === 'external' ? 'apply-external' : 'keep-platform';
    }
    case 'ownership-priority': {
      const other = options.otherSourceRules
        ? ruleFor(change.field, options.otherSourceRules, options.otherSourceMapField)
        : undefined;
      if (other && rule) {
        // Two integrations disagree: the stronger claim on the field wins.
        if (rule.owner === 'external' && other.owner !== 'external') return 'apply-external';
        if (other.owner === 'external' && rule.owner !== 'external') return 'keep-platform';
        return rule.priority > other.priority ? 'apply-external' : 'keep-platform';
      }
      return rule?.owner === 'external' ? 'apply-external' : 'keep-platform';
    }
    default:
      return 'keep-platform';
  }
}
