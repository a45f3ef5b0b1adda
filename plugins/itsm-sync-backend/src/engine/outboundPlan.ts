import { sendsNoteChannel } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { OutboxNote } from './coalesce';
import type { FieldChanges } from './fields';
import {
  notesFlowOutbound,
  outboundChanges,
  sendsOutbound,
  type OwnershipFieldMapper,
} from './ownership';
import type { LinkWithIntegration, OutboxInsert } from '../store/types';
import { manualSyncCooldownEnd } from './manualSyncCooldown';

/** What planning needs to know of the installed connectors. */
export interface ConnectorLookup {
  /** Whether a connector of this type is installed and can send. */
  canSend(integrationType: string): boolean;
  mapperFor(integrationType: string): OwnershipFieldMapper | undefined;
}

/**
 * The outbox rows one incident change causes: one row per linked integration that is
 * enabled, sends outbound, is not where the change came from, and is allowed by
 * ownership to receive at least one of the changed fields. A link without a ticket yet
 * gets a row whatever changed: its first delivery creates the ticket. A link whose ticket
 * the vendor deleted (`gone`) gets none.
 */
export function planOutbound(input: {
  incidentId: string;
  changes: FieldChanges;
  source: string;
  links: LinkWithIntegration[];
  connectors: ConnectorLookup;
  traceContext?: Record<string, string> | null;
}): OutboxInsert[] {
  const rows: OutboxInsert[] = [];
  for (const { link, integration, rules } of input.links) {
    if (link.sync_state === 'gone') continue;
    if (!integration.enabled || !sendsOutbound(integration.sync_direction))
      continue;
    if (!input.connectors.canSend(integration.integration_type)) continue;
    if (input.source === `integration:${integration.id}`) continue;
    const mapper = input.connectors.mapperFor(integration.integration_type);
    const changes = outboundChanges(input.changes, rules, mapper);
    if (!Object.keys(changes).length && link.external_id) continue;
    const cooldownEnd = manualSyncCooldownEnd(link, integration);
    rows.push({
      integration_id: integration.id,
      incident_id: input.incidentId,
      operation: 'sync',
      payload: { changes },
      trace_context: input.traceContext ?? null,
      ...(cooldownEnd !== undefined ? { not_before: cooldownEnd } : {}),
    });
  }
  return rows;
}

/** The outbox rows of a new note: every outbound integration whose side does not own notes. */
export function planNote(input: {
  incidentId: string;
  note: OutboxNote;
  source: string;
  links: LinkWithIntegration[];
  connectors: ConnectorLookup & {
    sendsNotes(integrationType: string): boolean;
  };
  traceContext?: Record<string, string> | null;
}): OutboxInsert[] {
  const rows: OutboxInsert[] = [];
  for (const { link, integration, rules } of input.links) {
    if (link.sync_state === 'gone') continue;
    if (!integration.enabled || !sendsOutbound(integration.sync_direction))
      continue;
    if (!input.connectors.sendsNotes(integration.integration_type)) continue;
    if (input.source === `integration:${integration.id}`) continue;
    // The integration's note_channels may keep this channel from the vendor.
    if (
      !sendsNoteChannel(
        integration.settings ?? {},
        input.note.visibility ?? 'internal',
      )
    )
      continue;
    if (
      !notesFlowOutbound(
        rules,
        input.connectors.mapperFor(integration.integration_type),
      )
    )
      continue;
    rows.push({
      integration_id: integration.id,
      incident_id: input.incidentId,
      operation: 'note',
      payload: { notes: [input.note] },
      trace_context: input.traceContext ?? null,
    });
  }
  return rows;
}
