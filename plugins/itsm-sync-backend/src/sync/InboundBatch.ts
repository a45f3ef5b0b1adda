import type { Knex } from 'knex';
import type { FieldOwnershipRule, SyncMetric } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { changedFields, type FieldChanges } from '../engine/fields';
import type { InboundDecision } from '../engine/inboundDecision';
import { planNote, planOutbound } from '../engine/outboundPlan';
import type { DeliveryKey } from '../store/DeliveryRepository';
import { InboundBatchRepository, type TimelineInsert } from '../store/InboundBatchRepository';
import { OutboxRepository } from '../store/OutboxRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IncidentRecord, IntegrationRecord, LinkRecord, LinkWithIntegration, OutboxInsert } from '../store/types';
import type { ConnectorRegistry } from './ConnectorRegistry';

/** An accepted change and the integration it came from. */
export interface InboundItem {
  integration: IntegrationRecord;
  change: NormalizedChange;
}

export type InboundOutcome = 'applied' | 'ignored';

const ticketKey = (integrationId: string, externalId: string) => `${integrationId}\u0000${externalId}`;

/** Whether merging `values` into `current` changes anything. */
function addsTo(current: Record<string, unknown>, values: Record<string, unknown>): boolean {
  return Object.entries(values).some(([k, v]) => !(k in current) || JSON.stringify(current[k]) !== JSON.stringify(v));
}

/**
 * The in-memory state of one batch of inbound changes inside its transaction: loaded
 * set-based up front, kept up to date change by change (so a second change of an
 * incident sees the first), and written set-based at the end.
 */
export class InboundBatch {
  private readonly timeline: TimelineInsert[] = [];
  private readonly outbox: OutboxInsert[] = [];
  private readonly dirtyIncidents = new Set<string>();
  private readonly dirtyLinks = new Map<string, { link: LinkRecord; conflict: boolean }>();
  private readonly conflicts: Array<Parameters<SyncStore['conflicts']['create']>[0]> = [];
  private readonly settled = { applied: [] as DeliveryKey[], ignored: [] as DeliveryKey[] };
  private readonly metrics = new Map<string, number>();

  private constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly now: number,
    private readonly traceContext: Record<string, string> | null,
    private readonly tickets: Map<string, LinkRecord>,
    private readonly incidents: Map<string, IncidentRecord>,
    private readonly incidentLinks: Map<string, LinkWithIntegration[]>,
    private readonly integrations: Map<string, IntegrationRecord>,
    private readonly rules: Map<string, FieldOwnershipRule[]>,
  ) {}

  /**
   * Loads what the changes touch: their links (one query), the incidents (one, locked on
   * Postgres), then the incidents' links, integrations and rules (three), including the
   * integrations whose earlier changes a conflict may be weighed against.
   */
  static async load(tx: Knex, connectors: ConnectorRegistry, items: InboundItem[], now: number, traceContext: Record<string, string> | null) {
    const found = await InboundBatchRepository.linksByTickets(
      tx,
      items.map(i => ({ integrationId: i.integration.id, externalId: i.change.externalId })),
    );
    const incidents = await InboundBatchRepository.lockIncidents(tx, found.map(l => l.incident_id));
    const markSources = [...incidents.values()].flatMap(i =>
      Object.values(i.field_changes)
        .map(m => m.source)
        .filter(s => s.startsWith('integration:'))
        .map(s => s.slice('integration:'.length)),
    );
    const batchIntegrations = items.map(i => i.integration.id);
    const context = await InboundBatchRepository.incidentContext(tx, [...incidents.keys()], [...markSources, ...batchIntegrations]);

    // The links read after the lock are the current ones; the first read only found the incidents.
    const fresh = new Map(context.links.map(l => [l.id, l]));
    const tickets = new Map<string, LinkRecord>();
    for (const link of found) {
      if (!incidents.has(link.incident_id)) continue;
      const current = fresh.get(link.id);
      if (current?.external_id) tickets.set(ticketKey(current.integration_id, current.external_id), current);
    }
    const incidentLinks = new Map<string, LinkWithIntegration[]>();
    for (const link of context.links) {
      const integration = context.integrations.get(link.integration_id);
      if (!integration) continue;
      const list = incidentLinks.get(link.incident_id) ?? [];
      list.push({ link, integration, rules: context.rules.get(integration.id) ?? [] });
      incidentLinks.set(link.incident_id, list);
    }
    for (const item of items) context.integrations.set(item.integration.id, context.integrations.get(item.integration.id) ?? item.integration);
    return new InboundBatch(connectors, now, traceContext, tickets, incidents, incidentLinks, context.integrations, context.rules);
  }

  /** The link and incident of a ticket, if the ticket is linked. */
  linked(integrationId: string, externalId: string): { link: LinkRecord; incident: IncidentRecord } | undefined {
    const link = this.tickets.get(ticketKey(integrationId, externalId));
    const incident = link && this.incidents.get(link.incident_id);
    return link && incident ? { link, incident } : undefined;
  }

  rulesOf(integrationId: string): FieldOwnershipRule[] {
    return this.rules.get(integrationId) ?? [];
  }

  /** What a conflict needs of another integration, if it exists. */
  otherSource(integrationId: string) {
    const integration = this.integrations.get(integrationId);
    if (!integration) return undefined;
    return { rules: this.rulesOf(integrationId), mapper: this.connectors.mapperFor(integration.integration_type) };
  }

  /** Registers an incident created by this batch, so later changes of its ticket find it. */
  addCreated(incident: IncidentRecord, link: LinkRecord, integration: IntegrationRecord) {
    this.incidents.set(incident.id, incident);
    if (link.external_id) this.tickets.set(ticketKey(integration.id, link.external_id), link);
    this.incidentLinks.set(incident.id, [{ link, integration, rules: this.rulesOf(integration.id) }]);
  }

  /** Records a decision against the in-memory state and queues its writes. */
  record(item: InboundItem, link: LinkRecord, decision: InboundDecision) {
    const { integration, change } = item;
    const source = `integration:${integration.id}`;
    let incident = this.incidents.get(link.incident_id)!;
    const links = this.incidentLinks.get(incident.id) ?? [];
    const traceContext = this.traceContext;
    if (decision.note) {
      this.timeline.push({ incident_id: incident.id, kind: 'note', text: decision.note.note.text, author: decision.note.author, source, created_at: this.now });
      this.outbox.push(...planNote({ incidentId: incident.id, note: change.note!, source, links, connectors: this.connectors, traceContext }));
    }
    if (decision.event) {
      this.timeline.push({ incident_id: incident.id, kind: 'event', text: decision.event.text, author: decision.event.author, source, created_at: this.now });
    }
    for (const conflict of decision.conflicts) {
      this.conflicts.push({ ...conflict, integration_id: integration.id, incident_id: incident.id });
      this.count(integration.id, 'conflicts_detected');
      if (conflict.status === 'resolved') this.count(integration.id, 'conflicts_resolved');
    }
    if (addsTo(link.last_written, decision.remember) || decision.queuedForReview) {
      link.last_written = { ...link.last_written, ...decision.remember };
      if (decision.queuedForReview) link.sync_state = 'conflict';
      const dirty = this.dirtyLinks.get(link.id);
      this.dirtyLinks.set(link.id, { link, conflict: Boolean(dirty?.conflict) || decision.queuedForReview });
    }
    const changed = changedFields(incident, decision.toApply);
    if (Object.keys(changed).length) {
      const marks = { ...incident.field_changes };
      for (const field of Object.keys(changed)) marks[field] = { at: this.now, source };
      incident = { ...incident, ...changed, version: incident.version + 1, field_changes: marks, updated_at: this.now };
      this.incidents.set(incident.id, incident);
      this.dirtyIncidents.add(incident.id);
      this.outbox.push(...planOutbound({ incidentId: incident.id, changes: changed, source, links, connectors: this.connectors, traceContext }));
    }
    if (Object.keys(decision.restore).length) {
      // The platform won a conflict: put its value back on this vendor's ticket.
      this.outbox.push({
        integration_id: integration.id,
        incident_id: incident.id,
        operation: 'sync',
        payload: { changes: decision.restore as FieldChanges, forced: Object.keys(decision.restore) },
        trace_context: traceContext,
      });
    }
  }

  /** Settles a change's inbox row with its outcome (written with the batch). */
  settle(item: InboundItem, outcome: InboundOutcome) {
    this.settled[outcome].push({ integrationId: item.integration.id, eventId: item.change.eventId });
    if (outcome === 'applied') this.count(item.integration.id, 'inbound_success');
  }

  private count(integrationId: string, metric: SyncMetric) {
    const key = `${integrationId}\u0000${metric}`;
    this.metrics.set(key, (this.metrics.get(key) ?? 0) + 1);
  }

  /** Whether the batch queued outbox rows (the dispatcher is woken after commit). */
  get enqueued(): boolean {
    return this.outbox.length > 0;
  }

  /**
   * Writes the batch: timeline and outbox rows in one multi-row insert each, one UPDATE
   * per changed incident and per link whose remembered values changed, the inbox rows
   * settled per outcome, and the counters last (hot rows, held only until commit), in a
   * fixed order so concurrent batches do not deadlock on them.
   */
  async write(store: SyncStore, tx: Knex): Promise<void> {
    await InboundBatchRepository.insertTimeline(tx, this.timeline);
    await OutboxRepository.insert(tx, this.outbox, this.now);
    for (const id of [...this.dirtyIncidents].sort()) await InboundBatchRepository.updateIncident(tx, this.incidents.get(id)!);
    for (const id of [...this.dirtyLinks.keys()].sort()) {
      const { link, conflict } = this.dirtyLinks.get(id)!;
      await InboundBatchRepository.updateLink(tx, link, conflict);
    }
    for (const conflict of this.conflicts) await store.conflicts.create(conflict, this.now, tx);
    for (const status of ['applied', 'ignored'] as const) {
      if (this.settled[status].length) await store.deliveries.settleMany(status, this.settled[status], this.now, tx);
    }
    for (const key of [...this.metrics.keys()].sort()) {
      const [integrationId, metric] = key.split('\u0000');
      await store.metrics.increment(integrationId, metric as SyncMetric, this.metrics.get(key)!, tx);
    }
  }
}
