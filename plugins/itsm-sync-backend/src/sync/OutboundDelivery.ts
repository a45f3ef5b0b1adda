import type { LoggerService } from '@backstage/backend-plugin-api';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type {
  ConnectorIntegration,
  ExternalTicket,
  ItsmConnector,
  OutboundPolicy,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { UnmatchedAssigneeError } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { coalescePayloads } from '../engine/coalesce';
import { pickPlatformFields, type FieldChanges } from '../engine/fields';
import { notesFlowOutbound, outboundChanges } from '../engine/ownership';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
  OutboxRecord,
} from '../store/types';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { AssigneeMapper } from './AssigneeMapper';
import type { NotePoster } from './NotePoster';

/**
 * Where one delivery goes and what it sends from: read for the whole claim at once by
 * the dispatcher. The incident's values are those at the claim; a change after it is a
 * row queued behind this one, delivered next.
 */
export interface DeliveryTarget {
  integration: IntegrationRecord;
  connector: ItsmConnector;
  connectorIntegration: ConnectorIntegration;
  rules: FieldOwnershipRule[];
  incident?: IncidentRecord;
  link?: LinkRecord;
}

/** What one delivery did at the vendor, for the acknowledgement. */
export interface DeliveryResult {
  /** The ticket, when it was created or found by its dedup key. */
  external?: { id: string; key?: string | null; url?: string | null };
  /** Field values now on the ticket because the hub wrote them. */
  written: FieldChanges;
  externalId: string | null;
  /** The vendor calls made, in order, for the sync trace. */
  calls: Array<{ operation: string; latency_ms: number }>;
  /** Changed fields not sent because the integration's ownership gives them to the vendor. */
  ownedExternally: string[];
}

/** Runs one vendor call and notes its name and latency on the result. */
async function timed<T>(
  result: DeliveryResult,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    return await call();
  } finally {
    result.calls.push({ operation, latency_ms: Date.now() - started });
  }
}

/** The platform values of an incident as a connector sees them. */
function platformIncident(incident: IncidentRecord) {
  return {
    id: incident.id,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    status: incident.status,
    assigned_to: incident.assigned_to,
    escalation_policy: incident.escalation_policy,
    entity_ref: incident.entity_ref,
    incident_type: incident.incident_type,
  };
}

function externalRef(t: ExternalTicket) {
  return { id: t.externalId, key: t.externalKey ?? null, url: t.url ?? null };
}

/**
 * Performs one claimed outbox row (plus the rows coalesced with it) against the vendor.
 * It sends the incident's current values of the changed fields, so a late or retried
 * row can never put back an older value. Creates look the ticket up by its dedup key
 * first, so a retry after a crash never makes a second ticket.
 */
export class OutboundDelivery {
  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly logger: LoggerService,
    private readonly outbound: OutboundPolicy,
    private readonly notes: NotePoster,
    private readonly assignees: AssigneeMapper,
  ) {}

  async deliver(
    rows: OutboxRecord[],
    target: DeliveryTarget,
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    const { incident, link, connector, rules } = target;
    if (!incident || !link)
      return { written: {}, externalId: null, calls: [], ownedExternally: [] };
    const ctx = {
      integration: target.connectorIntegration,
      logger: this.logger,
      signal,
      outbound: this.outbound,
    };
    const mapper = this.connectors.mapperFor(
      target.integration.integration_type,
    );
    const payload = coalescePayloads(rows.map(r => r.payload));
    const result: DeliveryResult = {
      written: {},
      externalId: link.external_id,
      calls: [],
      ownedExternally: [],
    };

    let externalId = link.external_id;
    if (!externalId) {
      const created = await this.ensureTicket(
        connector,
        ctx,
        incident,
        link,
        result,
      );
      result.external = externalRef(created.ticket);
      externalId = created.ticket.externalId;
      result.externalId = externalId;
      if (created.created) {
        // A new ticket carries every field the platform may send.
        result.written = outboundChanges(
          pickPlatformFields(incident as any),
          rules,
          mapper,
        );
        if (notesFlowOutbound(rules, mapper))
          await this.notes.backfill(connector, ctx, {
            incidentId: incident.id,
            linkedAt: link.created_at,
            externalId,
          });
      }
    }

    if (rows[0].operation === 'sync') {
      const requested = Object.keys(payload.changes ?? {});
      const current = pickPlatformFields(incident as any) as Record<
        string,
        unknown
      >;
      let fields: FieldChanges = {};
      if (result.external && Object.keys(result.written).length === 0) {
        // Found by dedup key after a crash: bring the ticket up to date with everything.
        fields = outboundChanges(current as FieldChanges, rules, mapper);
      } else if (!result.external) {
        const wanted = Object.fromEntries(
          requested.filter(f => f in current).map(f => [f, current[f]]),
        );
        fields = outboundChanges(wanted as FieldChanges, rules, mapper);
        for (const f of payload.forced ?? [])
          if (f in current) (fields as any)[f] = current[f];
        result.ownedExternally = Object.keys(wanted).filter(
          f => !(f in fields),
        );
      }
      if (Object.keys(fields).length) {
        Object.assign(
          result.written,
          await timed(result, 'updateTicket', () =>
            this.updateTicket(connector, ctx, target, externalId, fields),
          ),
        );
      }
    }
    const notes = payload.notes ?? [];
    if (notes.length)
      await timed(result, 'addNote', () =>
        this.notes.post(connector, ctx, externalId, notes),
      );
    return result;
  }

  /**
   * Sends changed fields, the assignee as the vendor knows the person; a vendor with no such
   * user gets the rest of the change, and the timeline says why the assignee was left.
   * Answers what was written.
   */
  private async updateTicket(
    connector: ItsmConnector,
    ctx: Parameters<ItsmConnector['updateTicket']>[0],
    target: DeliveryTarget,
    externalId: string,
    fields: FieldChanges,
  ): Promise<FieldChanges> {
    const incident = platformIncident(target.incident!);
    const send = async (changes: FieldChanges) => {
      const assignee = changes.assigned_to;
      const toVendor =
        typeof assignee === 'string' && assignee
          ? {
              ...changes,
              assigned_to: await this.assignees.toVendor(
                target.integration.id,
                assignee,
              ),
            }
          : changes;
      await connector.updateTicket(ctx, {
        externalId,
        changes: toVendor,
        incident: { ...incident, assigned_to: toVendor.assigned_to ?? null },
      });
    };
    try {
      await send(fields);
      return fields;
    } catch (error) {
      if (!(error instanceof UnmatchedAssigneeError)) throw error;
      await this.assignees.noteUnmatched({
        incidentId: incident.id,
        integrationId: target.integration.id,
        vendor: connector.displayName,
        assignee: error.assignee,
        reason: error.message,
      });
      const { assigned_to: _left, ...rest } = fields;
      if (Object.keys(rest).length) await send(rest);
      return rest;
    }
  }

  private async ensureTicket(
    connector: ItsmConnector,
    ctx: Parameters<ItsmConnector['createTicket']>[0],
    incident: IncidentRecord,
    link: LinkRecord,
    result: DeliveryResult,
  ): Promise<{ ticket: ExternalTicket; created: boolean }> {
    const existing = await timed(result, 'findTicketByDedupKey', () =>
      connector.findTicketByDedupKey(ctx, link.dedup_key),
    );
    if (existing) return { ticket: existing, created: false };
    const fields = platformIncident(incident);
    const ticket = await timed(result, 'createTicket', async () =>
      connector.createTicket(ctx, {
        incident: fields.assigned_to
          ? {
              ...fields,
              assigned_to: await this.assignees.toVendor(
                link.integration_id,
                fields.assigned_to,
              ),
            }
          : fields,
        dedupKey: link.dedup_key,
        // Where routing placed the ticket, from the entity's annotations (docs/sync-semantics.md#routing).
        ...(link.target ? { target: link.target } : {}),
      }),
    );
    return { ticket, created: true };
  }
}
