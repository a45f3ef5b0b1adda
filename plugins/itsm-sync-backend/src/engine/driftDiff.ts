import type {
  FieldOwner,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { PLATFORM_FIELDS, sameValue, type FieldChanges } from './fields';
import {
  acceptsInbound,
  ownerOf,
  sendsOutbound,
  type OwnershipFieldMapper,
} from './ownership';

/** What auto-heal does with one drifted field. */
export type DriftAction = 'push_platform' | 'pull_external' | 'none';

/** One field whose platform and external values differ. */
export interface FieldDrift {
  field: string;
  platform_value: unknown;
  external_value: unknown;
  owner: FieldOwner | null;
  action: DriftAction;
}

/** Everything the diff of one linked incident needs; no I/O. */
export interface DriftInput {
  /** The platform incident's values. */
  platform: Record<string, unknown>;
  /** The ticket's values, normalised to platform vocabulary by the connector. */
  external: Record<string, unknown>;
  /** What the hub last wrote to (or learnt from) the ticket: the common base of a three-way merge. */
  lastWritten: Record<string, unknown>;
  rules: FieldOwnershipRule[];
  mapField?: OwnershipFieldMapper;
  direction: SyncDirection;
  /** Fields with a conflict waiting for a person: reported, never healed. */
  pendingConflictFields?: ReadonlySet<string>;
}

/**
 * Which way a drifted field heals.
 * - Owned by the platform: the platform value is pushed to the ticket.
 * - Owned by the external system: the ticket value is pulled into the platform.
 * - No owner: a three-way merge against `lastWritten`, the value both sides last agreed
 *   on. If only the ticket moved away from it (a missed webhook) the ticket wins; if only
 *   the platform moved (a lost outbound change) the platform wins; if both moved or the
 *   base is unknown, nothing is done: a person decides (that is a conflict, not drift).
 * A direction the integration does not sync (outbound-only never pulls, inbound-only
 * never pushes) gives `none`.
 */
export function healAction(options: {
  owner: FieldOwner | undefined;
  platformValue: unknown;
  externalValue: unknown;
  base: { known: boolean; value: unknown };
  direction: SyncDirection;
}): DriftAction {
  const { owner, platformValue, externalValue, base, direction } = options;
  let wanted: DriftAction = 'none';
  if (owner === 'platform') wanted = 'push_platform';
  else if (owner === 'external') wanted = 'pull_external';
  else if (base.known) {
    const ticketMoved = !sameValue(externalValue, base.value);
    const platformMoved = !sameValue(platformValue, base.value);
    if (ticketMoved && !platformMoved) wanted = 'pull_external';
    else if (platformMoved && !ticketMoved) wanted = 'push_platform';
  }
  if (wanted === 'push_platform' && !sendsOutbound(direction)) return 'none';
  if (wanted === 'pull_external' && !acceptsInbound(direction)) return 'none';
  return wanted;
}

/**
 * Compares one incident with its ticket field by field. Only fields the connector
 * reports on the ticket are compared (a vendor without escalation policies says
 * nothing about them). Empty values (null, undefined, '') are equal.
 */
export function diffIncidentAndTicket(input: DriftInput): FieldDrift[] {
  const drifts: FieldDrift[] = [];
  for (const field of PLATFORM_FIELDS) {
    if (!(field in input.external) || input.external[field] === undefined)
      continue;
    const platformValue = input.platform[field] ?? null;
    const externalValue = input.external[field] ?? null;
    if (sameValue(platformValue, externalValue)) continue;
    const owner = ownerOf(field, input.rules, input.mapField);
    const action = input.pendingConflictFields?.has(field)
      ? 'none'
      : healAction({
          owner,
          platformValue,
          externalValue,
          base: {
            known: field in input.lastWritten,
            value: input.lastWritten[field],
          },
          direction: input.direction,
        });
    drifts.push({
      field,
      platform_value: platformValue,
      external_value: externalValue,
      owner: owner ?? null,
      action,
    });
  }
  return drifts;
}

/** The writes auto-heal makes for one incident: fields to push out and values to pull in. */
export function healPlan(drifts: FieldDrift[]): {
  push: string[];
  pull: FieldChanges;
} {
  const push: string[] = [];
  const pull: Record<string, unknown> = {};
  for (const d of drifts) {
    if (d.action === 'push_platform') push.push(d.field);
    else if (d.action === 'pull_external') pull[d.field] = d.external_value;
  }
  return { push, pull: pull as FieldChanges };
}
