import type {
  FieldOwnershipRule,
  SyncMetric,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  noteVisibilityOf,
  type NormalizedChange,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { FieldChanges } from '../engine/fields';
import { applyIncidentChange } from '../engine/incidentChange';
import { ROUTED_FIELDS } from '../engine/routing';
import type { InboundDecision, StaleField } from '../engine/inboundDecision';
import { planNote, planOutbound } from '../engine/outboundPlan';
import type {
  InboundWrite,
  SettledChange,
} from '../store/writeInboundIfUnchanged';
import type {
  PreparedBatch,
  TimelineInsert,
} from '../store/InboundBatchRepository';
import type { SyncStore } from '../store/SyncStore';
import type { TraceInsert } from '../store/TraceRepository';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
  LinkWithIntegration,
  OutboxInsert,
} from '../store/types';
import type { ConnectorRegistry } from './ConnectorRegistry';

/** An accepted change and the integration it came from. */
export interface InboundItem {
  integration: IntegrationRecord;
  change: NormalizedChange;
}

export type InboundOutcome = 'applied' | 'ignored';

/** An incident a vendor change moved in a field routing looks at, and the integrations it is linked to. */
export interface RoutedFieldChange {
  incident: IncidentRecord;
  linked: string[];
}

export type { PreparedBatch };

/** The key of a vendor ticket: its integration and external id. */
const ticketKey = (integrationId: string, externalId: string) =>
  `${integrationId}\u0000${externalId}`;

/** The timeline line of a change left alone because it is older than a field's last change. */
function staleChangeText(
  integrationName: string,
  change: NormalizedChange,
  stale: StaleField[],
): string {
  const fields = stale
    .map(
      s =>
        `${s.field} (last changed ${new Date(s.lastChangedAt).toISOString()})`,
    )
    .join(', ');
  return `Ignored a stale change from ${integrationName} (event ${change.eventId.slice(0, 80)}, made ${new Date(stale[0].externalAt).toISOString()}): ${fields} changed later`;
}

/** Whether merging `values` into `current` changes anything. */
function addsTo(
  current: Record<string, unknown>,
  values: Record<string, unknown>,
): boolean {
  return Object.entries(values).some(
    ([k, v]) =>
      !(k in current) || JSON.stringify(current[k]) !== JSON.stringify(v),
  );
}

/**
 * The in-memory state of one batch of inbound changes inside its transaction: loaded
 * set-based up front, kept up to date change by change (so a second change of an
 * incident sees the first), and written set-based at the end.
 */
export class InboundBatch {
  private readonly timeline: TimelineInsert[] = [];
  private readonly trace: TraceInsert[] = [];
  private readonly outbox: OutboxInsert[] = [];
  private readonly dirtyIncidents = new Set<string>();
  /** Per link: the values the batch remembered on it, and whether one of its changes was queued for review. */
  private readonly dirtyLinks = new Map<
    string,
    { link: LinkRecord; remembered: Record<string, unknown>; conflict: boolean }
  >();
  private readonly conflicts: Array<
    Parameters<SyncStore['conflicts']['create']>[0]
  > = [];
  /** Links whose ticket the vendor deleted, with why, to be marked gone. */
  private readonly goneLinks = new Map<string, string>();
  private readonly settled = {
    applied: [] as SettledChange[],
    ignored: [] as SettledChange[],
  };
  private readonly metrics = new Map<string, number>();
  /** Incidents whose routed fields a change of this batch moved (routing looks again after commit). */
  private readonly routedFieldsMoved = new Set<string>();
  /** Incidents this batch created; routing runs for them on creation instead. */
  private readonly createdHere = new Set<string>();

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
  static prepare(
    store: SyncStore,
    items: InboundItem[],
  ): Promise<PreparedBatch> {
    return store.inboundBatches.prepare(
      items.map(i => i.integration),
      items.map(i => ({
        integrationId: i.integration.id,
        externalId: i.change.externalId,
      })),
    );
  }

  /**
   * Loads, inside the transaction, what the changes touch: the incidents (locked on
   * Postgres) and all their links, read after the lock so they are current; plus the
   * integrations and rules not known yet (a link made since, or the source of an earlier
   * change a conflict is weighed against), usually none.
   */
  static async load(
    store: SyncStore,
    connectors: ConnectorRegistry,
    prepared: PreparedBatch,
    now: number,
    traceContext: Record<string, string> | null,
  ) {
    const { incidents, links } = await store.inboundBatches.lockWithLinks([
      ...prepared.incidents.keys(),
    ]);
    return InboundBatch.assemble(
      store,
      connectors,
      prepared,
      incidents,
      links,
      now,
      traceContext,
    );
  }

  /**
   * The batch over the incidents and links `prepare` read without a lock (the links
   * copied: the batch changes them; it replaces incidents rather than changing them). Its writes go out with `writeIfUnchanged`, which applies them
   * only if none of those incidents changed since.
   */
  static fromRead(
    store: SyncStore,
    connectors: ConnectorRegistry,
    prepared: PreparedBatch,
    now: number,
    traceContext: Record<string, string> | null,
  ) {
    const incidents = new Map(prepared.incidents);
    const links = prepared.links.map(link => ({ ...link }));
    return InboundBatch.assemble(
      store,
      connectors,
      prepared,
      incidents,
      links,
      now,
      traceContext,
    );
  }

  private static async assemble(
    store: SyncStore,
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
    await store.inboundBatches.readIntegrationsInto(
      [...links.map(l => l.integration_id), ...markSources],
      integrations,
      rules,
    );

    const tickets = new Map<string, LinkRecord>();
    const incidentLinks = new Map<string, LinkWithIntegration[]>();
    for (const link of links) {
      if (link.external_id)
        tickets.set(ticketKey(link.integration_id, link.external_id), link);
      const integration = integrations.get(link.integration_id);
      if (!integration) continue;
      const list = incidentLinks.get(link.incident_id) ?? [];
      list.push({ link, integration, rules: rules.get(integration.id) ?? [] });
      incidentLinks.set(link.incident_id, list);
    }
    const linkCounts = new Map<string, number>();
    for (const link of links)
      linkCounts.set(
        link.incident_id,
        (linkCounts.get(link.incident_id) ?? 0) + 1,
      );
    const read = [...incidents.values()].map(i => ({
      id: i.id,
      version: i.version,
      links: linkCounts.get(i.id) ?? 0,
    }));
    return new InboundBatch(
      connectors,
      now,
      traceContext,
      read,
      tickets,
      incidents,
      incidentLinks,
      integrations,
      rules,
    );
  }

  /** The link and incident of a ticket, if the ticket is linked. */
  linked(
    integrationId: string,
    externalId: string,
  ): { link: LinkRecord; incident: IncidentRecord } | undefined {
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
    return {
      rules: this.rulesOf(integrationId),
      mapper: this.connectors.mapperFor(integration.integration_type),
    };
  }

  /** Registers an incident created by this batch, so later changes of its ticket find it. */
  addCreated(
    incident: IncidentRecord,
    link: LinkRecord,
    integration: IntegrationRecord,
  ) {
    this.incidents.set(incident.id, incident);
    this.createdHere.add(incident.id);
    if (link.external_id)
      this.tickets.set(ticketKey(integration.id, link.external_id), link);
    this.incidentLinks.set(incident.id, [
      { link, integration, rules: this.rulesOf(integration.id) },
    ]);
  }

  /** Records a decision against the in-memory state and queues its writes. */
  record(item: InboundItem, link: LinkRecord, decision: InboundDecision) {
    const { integration, change } = item;
    const source = `integration:${integration.id}`;
    let incident = this.incidents.get(link.incident_id)!;
    const links = this.incidentLinks.get(incident.id) ?? [];
    const traceContext = this.traceContext;
    this.trace.push({
      incident_id: incident.id,
      integration_id: integration.id,
      at: this.now,
      direction: 'inbound',
      kind: 'event',
      source,
      event_id: change.eventId.slice(0, 200),
      event_type: change.kind,
      fields: decision.fields,
    });
    if (decision.note) {
      const { note, author } = decision.note;
      const visibility = noteVisibilityOf(note);
      this.timeline.push({
        incident_id: incident.id,
        kind: 'note',
        text: note.text,
        author,
        source,
        visibility,
        external_note_id: note.externalNoteId ?? null,
        created_at: this.now,
      });
      this.outbox.push(
        ...planNote({
          incidentId: incident.id,
          // Shown at the other vendors with where and by whom it was written; keyed by the event.
          note: {
            text: note.text,
            ...(author ? { author } : {}),
            visibility,
            origin:
              this.connectors.get(integration.integration_type)?.displayName ??
              integration.name,
            key: `${integration.id}:${change.eventId}`,
          },
          source,
          links,
          connectors: this.connectors,
          traceContext,
        }),
      );
    }
    if (decision.event) {
      this.timeline.push({
        incident_id: incident.id,
        kind: 'event',
        text: decision.event.text,
        author: decision.event.author,
        source,
        created_at: this.now,
      });
    }
    if (decision.stale.length) {
      this.timeline.push({
        incident_id: incident.id,
        kind: 'event',
        text: staleChangeText(integration.name, change, decision.stale),
        author: null,
        source,
        created_at: this.now,
      });
    }
    if (change.kind === 'deleted') {
      // Marked in memory too, so changes later in this batch plan nothing for the ticket.
      link.sync_state = 'gone';
      this.goneLinks.set(
        link.id,
        change.timeline ?? 'the ticket was deleted at the vendor',
      );
    }
    for (const conflict of decision.conflicts) {
      this.conflicts.push({
        ...conflict,
        integration_id: integration.id,
        incident_id: incident.id,
      });
      this.count(integration.id, 'conflicts_detected');
      if (conflict.status === 'resolved')
        this.count(integration.id, 'conflicts_resolved');
    }
    if (
      addsTo(link.last_written, decision.remember) ||
      decision.queuedForReview
    ) {
      link.last_written = { ...link.last_written, ...decision.remember };
      if (decision.queuedForReview) link.sync_state = 'conflict';
      const dirty = this.dirtyLinks.get(link.id);
      this.dirtyLinks.set(link.id, {
        link,
        remembered: { ...dirty?.remembered, ...decision.remember },
        conflict: Boolean(dirty?.conflict) || decision.queuedForReview,
      });
    }
    const applied = applyIncidentChange({
      incident,
      changes: decision.toApply,
      source,
      now: this.now,
      externalAt: Date.parse(change.occurredAt),
      plan: (changedIncident, changes) =>
        planOutbound({
          incidentId: changedIncident.id,
          changes,
          source,
          links,
          connectors: this.connectors,
          traceContext,
        }),
    });
    if (applied.written) {
      if (ROUTED_FIELDS.some(f => applied.incident[f] !== incident[f]))
        this.routedFieldsMoved.add(incident.id);
      incident = applied.incident;
      this.incidents.set(incident.id, incident);
      this.dirtyIncidents.add(incident.id);
      this.outbox.push(...applied.outbox);
    }
    if (Object.keys(decision.restore).length) {
      // The platform won a conflict: put its value back on this vendor's ticket.
      this.outbox.push({
        integration_id: integration.id,
        incident_id: incident.id,
        operation: 'sync',
        payload: {
          changes: decision.restore as FieldChanges,
          forced: Object.keys(decision.restore),
        },
        trace_context: traceContext,
      });
    }
  }

  /** Settles a change's inbox row with its outcome (written with the batch). */
  settle(item: InboundItem, outcome: InboundOutcome) {
    this.settled[outcome].push({
      integrationId: item.integration.id,
      change: item.change,
    });
    if (outcome === 'applied')
      this.count(item.integration.id, 'inbound_success');
  }

  private count(integrationId: string, metric: SyncMetric) {
    const key = `${integrationId}\u0000${metric}`;
    this.metrics.set(key, (this.metrics.get(key) ?? 0) + 1);
  }

  /**
   * The incidents whose severity, status, entity or type a vendor change moved, as the
   * batch leaves them, with their integrations: routing looks at them again after commit,
   * as after a platform change (docs/sync-semantics.md#routing). Usually none.
   */
  get routedChanges(): RoutedFieldChange[] {
    return [...this.routedFieldsMoved]
      .filter(id => !this.createdHere.has(id))
      .map(id => ({
        incident: this.incidents.get(id)!,
        linked: (this.incidentLinks.get(id) ?? []).map(l => l.integration.id),
      }));
  }

  /** Whether the batch queued outbox rows (the dispatcher is woken after commit). */
  get enqueued(): boolean {
    return this.outbox.length > 0;
  }

  /**
   * Writes the batch the locked way, through the store bound to its transaction (see
   * InboundBatchRepository.write: conflicts first, the rest as one statement on Postgres).
   */
  async write(store: SyncStore): Promise<void> {
    await store.inboundBatches.write(
      {
        conflicts: this.conflicts,
        outbox: this.outbox,
        timeline: this.timeline,
        trace: this.trace,
        incidents: [...this.dirtyIncidents].map(id => this.incidents.get(id)!),
        links: [...this.dirtyLinks.values()],
        settled: this.settled,
        counts: this.counts(),
        gone: this.goneLinks,
      },
      this.now,
    );
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
  async writeIfUnchanged(store: SyncStore, accept: boolean): Promise<boolean> {
    return store.inboundBatches.writeIfUnchanged(
      {
        read: this.read,
        incidents: [...this.dirtyIncidents].map(id => this.incidents.get(id)!),
        timeline: this.timeline,
        trace: this.trace,
        outbox: this.outbox,
        links: [...this.dirtyLinks.values()].map(
          ({ link, remembered, conflict }) => ({
            id: link.id,
            remembered,
            conflict,
          }),
        ),
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
