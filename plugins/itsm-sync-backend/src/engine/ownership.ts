import type {
  FieldOwner,
  FieldOwnershipRule,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { FieldChanges } from './fields';

/**
 * Ownership rules are named in a connector's vocabulary (Jira's `priority` governs the
 * platform's `severity`); this maps a rule's field to the platform field it governs.
 */
export type OwnershipFieldMapper = (ruleField: string) => string | undefined;

const identity: OwnershipFieldMapper = f => f;

/**
 * The rule that governs a platform field, the highest priority one when several do
 * (Jira's defaults name both `severity` and `priority`). On equal priority a rule that
 * names the platform field itself beats one that names it through the vendor's word,
 * so the outcome does not depend on the order the rules were listed in.
 */
export function ruleFor(
  platformField: string,
  rules: FieldOwnershipRule[],
  mapField: OwnershipFieldMapper = identity,
): FieldOwnershipRule | undefined {
  let best: FieldOwnershipRule | undefined;
  for (const rule of rules) {
    if ((mapField(rule.field) ?? rule.field) !== platformField) continue;
    const better =
      !best ||
      rule.priority > best.priority ||
      (rule.priority === best.priority &&
        rule.field === platformField &&
        best.field !== platformField);
    if (better) best = rule;
  }
  return best;
}

/** The owner of a platform field, or undefined when no rule names it (both ways flow). */
export function ownerOf(
  platformField: string,
  rules: FieldOwnershipRule[],
  mapField?: OwnershipFieldMapper,
): FieldOwner | undefined {
  return ruleFor(platformField, rules, mapField)?.owner;
}

/** Whether platform changes flow out on this integration at all. */
export function sendsOutbound(direction: SyncDirection): boolean {
  return direction === 'outbound' || direction === 'bidirectional';
}

/** Whether webhooks from this integration are applied at all. */
export function acceptsInbound(direction: SyncDirection): boolean {
  return direction === 'inbound' || direction === 'bidirectional';
}

/**
 * docs/sync-semantics.md#ownership-rules: a field the external system owns is not sent out; everything else is.
 */
export function outboundChanges(
  changes: FieldChanges,
  rules: FieldOwnershipRule[],
  mapField?: OwnershipFieldMapper,
): FieldChanges {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (ownerOf(field, rules, mapField) !== 'external') out[field] = value;
  }
  return out as FieldChanges;
}

/** Inbound updates of a platform-owned field are ignored. */
export function inboundAllowed(
  field: string,
  rules: FieldOwnershipRule[],
  mapField?: OwnershipFieldMapper,
): boolean {
  return ownerOf(field, rules, mapField) !== 'platform';
}

/** Whether notes (work notes, comments) flow out: they do unless the external side owns them. */
export function notesFlowOutbound(
  rules: FieldOwnershipRule[],
  mapField?: OwnershipFieldMapper,
): boolean {
  return ownerOf('notes', rules, mapField) !== 'external';
}
