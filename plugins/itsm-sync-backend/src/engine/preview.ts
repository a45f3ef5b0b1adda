import type {
  FieldOwnershipRule,
  PreviewSkipReason,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { healAction, type DriftAction } from './driftDiff';
import { PLATFORM_FIELDS, sameValue } from './fields';
import { ownerOf, type OwnershipFieldMapper } from './ownership';

/** One side of a linked incident under one set of rules. */
interface Settings {
  rules: FieldOwnershipRule[];
  direction: SyncDirection;
}

/** One direction of one field: the value its target holds now and would hold, or why not. */
export interface PreviewDirection {
  now: unknown;
  draft: unknown;
  skipped?: PreviewSkipReason;
  why: string;
}

export interface FieldPreview {
  field: string;
  owner: { now: string | null; draft: string | null };
  action: { now: DriftAction; draft: DriftAction };
  /** Platform to ticket: the ticket's value now and after. */
  outbound: PreviewDirection;
  /** Ticket to platform: the platform's value now and after. */
  inbound: PreviewDirection;
}

/** Why a direction is not taken for a field that differs (the other one may be). */
function skipOf(
  toward: 'outbound' | 'inbound',
  input: {
    action: DriftAction;
    wanted: DriftAction;
    owner: string | undefined;
    pending: boolean;
    baseKnown: boolean;
  },
): { skipped: PreviewSkipReason; why: string } {
  const mine = toward === 'outbound' ? 'push_platform' : 'pull_external';
  const theirs = toward === 'outbound' ? 'pull_external' : 'push_platform';
  if (input.pending)
    return { skipped: 'conflict', why: 'a conflict waits for a person' };
  if (input.wanted === mine)
    return {
      skipped: 'direction',
      why: `the integration does not sync ${toward}`,
    };
  if (input.owner)
    return {
      skipped: 'owner',
      why: `the ${input.owner === 'platform' ? 'platform' : 'vendor'} owns this field`,
    };
  if (input.wanted === theirs)
    return {
      skipped: 'merge',
      why: `only the ${toward === 'outbound' ? 'ticket' : 'platform'} changed since the last sync`,
    };
  return {
    skipped: 'conflict',
    why: input.baseKnown
      ? 'both sides changed since the last sync: a person decides'
      : 'no value both sides agreed on is known: a person decides',
  };
}

/**
 * What syncing a linked incident with its ticket does to each field under the stored
 * rules and under a draft, as a reconcile with auto-heal would (engine/driftDiff.ts):
 * per direction the value its target holds now and would hold, or why it stays. Only
 * fields the ticket reports are compared. Pure.
 */
export function previewLinkedIncident(input: {
  platform: Record<string, unknown>;
  external: Record<string, unknown>;
  lastWritten: Record<string, unknown>;
  mapField?: OwnershipFieldMapper;
  pendingConflictFields: ReadonlySet<string>;
  now: Settings;
  draft: Settings;
}): FieldPreview[] {
  const out: FieldPreview[] = [];
  for (const field of PLATFORM_FIELDS) {
    if (!(field in input.external) || input.external[field] === undefined)
      continue;
    const platformValue = input.platform[field] ?? null;
    const externalValue = input.external[field] ?? null;
    const base = {
      known: field in input.lastWritten,
      value: input.lastWritten[field],
    };
    const pending = input.pendingConflictFields.has(field);
    const decide = (settings: Settings) => {
      const owner = ownerOf(field, settings.rules, input.mapField);
      if (sameValue(platformValue, externalValue))
        return { owner, action: 'none' as const, wanted: 'none' as const };
      const args = { owner, platformValue, externalValue, base };
      const wanted = healAction({ ...args, direction: 'bidirectional' });
      const action = pending
        ? 'none'
        : healAction({ ...args, direction: settings.direction });
      return { owner, action, wanted };
    };
    const now = decide(input.now);
    const draft = decide(input.draft);
    const direction = (toward: 'outbound' | 'inbound'): PreviewDirection => {
      const target = toward === 'outbound' ? externalValue : platformValue;
      const source = toward === 'outbound' ? platformValue : externalValue;
      if (sameValue(platformValue, externalValue))
        return {
          now: target,
          draft: target,
          skipped: 'unchanged',
          why: 'both sides hold the same value',
        };
      const mine = toward === 'outbound' ? 'push_platform' : 'pull_external';
      if (draft.action === mine)
        return {
          now: target,
          draft: source,
          why:
            toward === 'outbound'
              ? 'the platform value is sent to the ticket'
              : 'the ticket value is applied to the platform',
        };
      return {
        now: target,
        draft: target,
        ...skipOf(toward, {
          ...draft,
          pending,
          baseKnown: base.known,
        }),
      };
    };
    out.push({
      field,
      owner: { now: now.owner ?? null, draft: draft.owner ?? null },
      action: { now: now.action, draft: draft.action },
      outbound: direction('outbound'),
      inbound: direction('inbound'),
    });
  }
  return out;
}
