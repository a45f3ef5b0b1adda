import type { Knex } from 'knex';
import type { FieldOwnershipRule, SyncMetric } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { changedFields, type FieldChanges } from '../engine/fields';
import type { InboundDecision, StaleField } from '../engine/inboundDecision';
import { planNote, planOutbound } from '../engine/outboundPlan';
import { IncidentRepository } from '../store/IncidentRepository';
import { IntegrationRepository } from '../store/IntegrationRepository';
import { MetricsRepository } from '../store/MetricsRepository';
import { writeTogether } from '../store/writeTogether';
import { writeInboundIfUnchanged, type InboundWrite, type SettledChange } from '../store/writeInboundIfUnchanged';
import { InboundBatchRepository, type TimelineInsert } from '../store/InboundBatchRepository';
import { OutboxRepository } from '../store/OutboxRepository';
import { LinkRepository } from '../store/LinkRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IncidentRecord, IntegrationRecord, LinkRecord, LinkWithIntegration, OutboxInsert } from '../store/types';
import type { ConnectorRegistry } from './ConnectorRegistry';

/** An accepted change and the integration it came from. */
export interface InboundItem {
  integration: IntegrationRecord;
  change: NormalizedChange;
}

export type InboundOutcome = 'applied' | 'ignored';

/** What is read of a batch before its transaction (or, on Postgres, instead of one). */
export interface PreparedBatch {
  /** The incidents the changes' tickets are linked to, and all their links, read without a lock. */
  incidents: Map<string, IncidentRecord>;
  links: LinkRecord[];
  /** The changes' integrations (as verified for this batch) and their rules. */
  integrations: Map<string, IntegrationRecord>;
  rules: Map<string, FieldOwnershipRule[]>;
}

const keyOf = ({ integrationId, change }: SettledChange) => ({ integrationId, eventId: change.eventId });

const ticketKey = (integrationId: string, externalId: string) => `${integrationId}\u0000${externalId}`;

/** The timeline line of a change left alone because it is older than a field's last change. */
function staleChangeText(integrationName: string, change: NormalizedChange, stale: StaleField[]): string {
  const fields = stale.map(s => `${s.field} (last changed ${new Date(s.lastChangedAt).toISOString()})`).join(', ');
  return `Ignored a stale change from ${integrationName} (event ${change.eventId.slice(0, 80)}, made ${new Date(stale[0].externalAt).toISOString()}): ${fields} changed later`;
}

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
  /** Per link: the values the batch remembered on it, and whether one of its changes was queued for review. */
  private readonly dirtyLinks = new Map<string, { link: LinkRecord; remembered: Record<string, unknown>; conflict: boolean }>();
  private readonly conflicts: Array<Parameters<SyncStore['conflicts']['create']>[0]> = [];
  /** Links whose ticket the vendor deleted, with why, to be marked gone. */
  private readonly goneLinks = new Map<string, string>();
  private readonly settled = { applied: [] as SettledChange[], ignored: [] as SettledChange[] };
  private readonly metrics = new Map<string, number>();

  private constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly now: number,
    private readonly traceContext: Record<string, string> | null,
    /** The incidents as loaded: what `writeIfUnchanged` compares. */
    private readonly read: InboundWrite['read'],
    private readonly tickets: Map<string, LinkRecord>,
    private readonly incidents: Map<string, IncidentRecord>,
    private readonly incidentLinks: Map<string, LinkWithIntegration[]>,
    private readonly integrations: Map<string, IntegrationRecord>,
    private readonly rules: Map<string, FieldOwnershipRule[]>,
  ) {}

  /**
   * The reads that need no lock, done before the write (the pipeline runs them before
   * the one statement on Postgres, or alongside the inbox insert on the long way): the
   * incidents the tickets belong to with their links,
   * and the integrations and rules those incidents involve.
   */
  static async prepare(db: Knex, items: InboundItem[]): Promise<PreparedBatch> {
    const integrations = new Map(items.map(i => [i.integration.id, i.integration]));
    const rules = new Map<string, FieldOwnershipRule[]>();
    // The senders' rules are read alongside the links; only integrations the links bring
    // in (fan-out) need a second read.
    const [{ incidents, links }] = await Promise.all([
      InboundBatchRepository.readAroundTickets(
        db,
        items.map(i => ({ integrationId: i.integration.id, externalId: i.change.externalId })),
      ),
      IntegrationRepository.readWithRulesInto(db, [...integrations.keys()], integrations, rules),
    ]);
    await IntegrationRepository.readWithRulesInto(db, links.map(l => l.integration_id), integrations, rules);
    return { incidents, links, integrations, rules };
  }

  /**
   * Loads, inside the transaction, what the changes touch: the incidents (locked on
   * Postgres) and all their links, read after the lock so they are current; plus the
   * integrations and rules not known yet (a link made since, or the source of an earlier
   * change a conflict is weighed against), usually none.
   */
  static async load(tx: Knex, connectors: ConnectorRegistry, prepared: PreparedBatch, now: number, traceContext: Record<string, string> | null) {
    const { incidents, links } = await IncidentRepository.lockWithLinks(tx, [...prepared.incidents.keys()]);
    return InboundBatch.assemble(tx, connectors, prepared, incidents, links, now, traceContext);
  }

  /**
   * The batch over the incidents and links `prepare` read without a lock (the links
   * copied: the batch changes them; it replaces incidents rather than changing them). Its writes go out with `writeIfUnchanged`, which applies them
   * only if none of those incidents changed since.
   */
  static fromRead(db: Knex, connectors: ConnectorRegistry, prepared: PreparedBatch, now: number, traceContext: Record<string, string> | null) {
    const incidents = new Map(prepared.incidents);
    const links = prepared.links.map(link => ({ ...link }));
    return InboundBatch.assemble(db, connectors, prepared, incidents, links, now, traceContext);
  }

  private static async assemble(
    db: Knex,
    connectors: ConnectorRegistry,
    prepared: PreparedBatch,
    incidents: Map<string, IncidentRecord>,
    links: LinkRecord[],
    now: number,
    traceContext: Record<string, string> | null,
  ) {
    const integrations = new Map(prepared.integrations);
    const rules = new Map(prepared.rules);
    const markSources = [...incidents.values()].flatMap(i =>
      Object.values(i.field_changes)
        .map(m => m.source)
        .filter(s => s.startsWith('integration:'))
        .map(s => s.slice('integration:'.length)),
    );
    await IntegrationRepository.readWithRulesInto(db, [...links.map(l => l.integration_id), ...markSources], integrations, rules);

    const tickets = new Map<string, LinkRecord>();
    const incidentLinks = new Map<string, LinkWithIntegration[]>();
    for (const link of links) {
      if (link.external_id) tickets.set(ticketKey(link.integration_id, link.external_id), link);
      const integration = integrations.get(link.integration_id);
      if (!integration) continue;
      const list = incidentLinks.get(link.incident_id) ?? [];
      list.push({ link, integration, rules: rules.get(integration.id) ?? [] });
      incidentLinks.set(link.incident_id, list);
    }
    const linkCounts = new Map<string, number>();
    for (const link of links) linkCounts.set(link.incident_id, (linkCounts.get(link.incident_id) ?? 0) + 1);
    const read = [...incidents.values()].map(i => ({ id: i.id, version: i.version, links: linkCounts.get(i.id) ?? 0 }));
    return new InboundBatch(connectors, now, traceContext, read, tickets, incidents, incidentLinks, integrations, rules);
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
    if (decision.stale.length) {
      this.timeline.push({ incident_id: incident.id, kind: 'event', text: staleChangeText(integration.name, change, decision.stale), author: null, source, created_at: this.now });
    }
    if (change.kind === 'deleted') {
      // Marked in memory too, so changes later in this batch plan nothing for the ticket.
      link.sync_state = 'gone';
      this.goneLinks.set(link.id, change.timeline ?? 'the ticket was deleted at the vendor');
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
      this.dirtyLinks.set(link.id, {
        link,
        remembered: { ...dirty?.remembered, ...decision.remember },
        conflict: Boolean(dirty?.conflict) || decision.queuedForReview,
      });
    }
    const changed = changedFields(incident, decision.toApply);
    if (Object.keys(changed).length) {
      const marks = { ...incident.field_changes };
      const externalAt = Date.parse(change.occurredAt);
      for (const field of Object.keys(changed)) {
        marks[field] = Number.isNaN(externalAt) ? { at: this.now, source } : { at: this.now, source, external_at: externalAt };
      }
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
    this.settled[outcome].push({ integrationId: item.integration.id, change: item.change });
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
   * Writes the batch: any conflicts first, then the rest as one statement on Postgres:
   * the outbox rows and the timeline rows in one multi-row insert each, one UPDATE for the
   * changed incidents (locked since the load), one per link whose remembered values
   * changed, the inbox rows settled per outcome, and the counters in one upsert, last
   * and in key order (hot rows).
   */
  async write(store: SyncStore, tx: Knex): Promise<void> {
    for (const conflict of this.conflicts) await store.conflicts.create(conflict, this.now, tx);
    const counts = this.counts();
    await writeTogether(tx, [
      ...OutboxRepository.insertStatements(tx, this.outbox, this.now),
      ...InboundBatchRepository.insertTimeline(tx, this.timeline),
      ...IncidentRepository.updateStatements(tx, [...this.dirtyIncidents].map(id => this.incidents.get(id)!)),
      ...[...this.dirtyLinks.keys()].sort().map(id => {
        const { link, remembered, conflict } = this.dirtyLinks.get(id)!;
        return InboundBatchRepository.updateLink(tx, link, remembered, conflict);
      }),
      ...store.deliveries.settleStatements('applied', this.settled.applied.map(keyOf), this.now, tx),
      ...store.deliveries.settleStatements('ignored', this.settled.ignored.map(keyOf), this.now, tx),
      ...MetricsRepository.incrementStatements(tx, counts),
    ]);
    // After the rest: a gone link may also be among the links updated above (one row, one statement).
    for (const [id, why] of [...this.goneLinks.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      await LinkRepository.markGoneStatement(tx, id, why);
    }
  }

  /**
   * Whether the batch must be written the locked way: it raised conflicts, whose records
   * go in one by one, or a vendor deleted a ticket (both rare).
   */
  get needsLock(): boolean {
    return this.conflicts.length > 0 || this.goneLinks.size > 0;
  }

  /**
   * Postgres, for a batch made `fromRead`: writes it in one statement if none of the
   * incidents it read changed since (see writeInboundIfUnchanged.ts). Returns whether it
   * wrote; if not, nothing was, and the batch is to be applied again the locked way.
   * With `accept`, its changes are not in the inbox yet: the statement stores them too,
   * settled, and writes nothing if one of them was there already.
   */
  async writeIfUnchanged(db: Knex, accept: boolean): Promise<boolean> {
    return writeInboundIfUnchanged(
      db,
      {
        read: this.read,
        incidents: [...this.dirtyIncidents].map(id => this.incidents.get(id)!),
        timeline: this.timeline,
        outbox: this.outbox,
        links: [...this.dirtyLinks.values()].map(({ link, remembered, conflict }) => ({ id: link.id, remembered, conflict })),
        settled: this.settled,
        accept,
        counts: this.counts(),
      },
      this.now,
    );
  }

  private counts() {
    return [...this.metrics].map(([key, value]) => {
      const [integration_id, metric] = key.split('\u0000');
      return { integration_id, metric, value };
    });
  }
}
