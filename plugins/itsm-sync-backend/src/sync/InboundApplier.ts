import type { LoggerService } from '@backstage/backend-plugin-api';
import { decideInbound } from '../engine/inboundDecision';
import { pickPlatformFields, type FieldChanges } from '../engine/fields';
import type { SyncStore } from '../store/SyncStore';
import type { IncidentRecord, IntegrationRecord } from '../store/types';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { inSyncSpan, syncAttributes } from '../telemetry/instruments';
import { captureTraceContext } from '../telemetry/traceContext';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import {
  InboundBatch,
  type InboundItem,
  type InboundOutcome,
  type PreparedBatch,
  type RoutedFieldChange,
} from './InboundBatch';

export type {
  InboundItem,
  InboundOutcome,
  PreparedBatch,
  RoutedFieldChange,
} from './InboundBatch';

const SEVERITY_DEFAULT = 'SEV-3';

/** An incident a vendor's webhook created, told to listeners once it is committed. */
export interface CreatedFromVendor {
  incident: IncidentRecord;
  integration: IntegrationRecord;
  change: NormalizedChange;
}

/**
 * Applies verified, accepted vendor changes to the platform, many in one transaction:
 * the state they touch is loaded set-based, each change is decided in arrival order by
 * the pure `decideInbound` (echoes dropped, ownership and conflict strategy field by
 * field), and the writes, fan-out to the incidents' other integrations through the
 * outbox, and the settling of the changes' inbox rows go out set-based at the end.
 */
export class InboundApplier {
  private readonly store: SyncStore;
  private readonly connectors: ConnectorRegistry;
  private readonly logger: LoggerService;
  private readonly clock: Clock;

  constructor(options: {
    store: SyncStore;
    connectors: ConnectorRegistry;
    logger: LoggerService;
    clock: Clock;
  }) {
    this.store = options.store;
    this.connectors = options.connectors;
    this.logger = options.logger;
    this.clock = options.clock;
  }

  private readonly createdListeners: Array<
    (created: CreatedFromVendor[]) => void
  > = [];

  /**
   * Calls `listener` after each commit that created incidents from vendor webhooks (routing
   * gives them their entity and fans them out). A listener must not throw.
   */
  onCreatedFromVendor(listener: (created: CreatedFromVendor[]) => void): void {
    this.createdListeners.push(listener);
  }

  private readonly routedListeners: Array<
    (changed: RoutedFieldChange[]) => void
  > = [];

  /**
   * Calls `listener` after each commit in which vendor changes moved a routed field
   * (severity, status, entity, type) of linked incidents, so routing looks at them again
   * as after a platform change. Not called for batches that moved none. Must not throw.
   */
  onRoutedFieldsChanged(listener: (changed: RoutedFieldChange[]) => void) {
    this.routedListeners.push(listener);
  }

  private tellRouted(batch: InboundBatch) {
    if (!this.routedListeners.length) return;
    const changed = batch.routedChanges;
    if (!changed.length) return;
    for (const listener of this.routedListeners) listener(changed);
  }

  /**
   * The reads of a batch that need no transaction. The pipeline starts them alongside
   * the inbox insert; `items` may hold more than will be applied.
   */
  prepare(items: InboundItem[]): Promise<PreparedBatch> {
    return InboundBatch.prepare(this.store, items);
  }

  /**
   * One outcome per item, in order. Throws when the batch fails as a whole; then
   * nothing of it was written and every inbox row is still `accepted`.
   * Returns whether outbox rows were enqueued, to wake the dispatcher after commit.
   *
   * On Postgres the batch is first decided on what `prepare` read, without a lock, and
   * written in one statement that applies it only if none of the incidents it read
   * changed since: no transaction, and two round trips in all with the read. A batch
   * that lost that race, raised a conflict or creates an incident is applied the
   * locked way: one transaction, its incidents locked FOR UPDATE in id order.
   */
  async applyBatch(
    items: InboundItem[],
    prepared?: PreparedBatch,
  ): Promise<{ outcomes: InboundOutcome[]; enqueued: boolean }> {
    if (!items.length) return { outcomes: [], enqueued: false };
    const ready = prepared ?? (await this.prepare(items));
    const now = this.clock.now();
    const traceContext = captureTraceContext();
    if (this.store.inboundBatches.writesIfUnchanged) {
      const written = await this.applyIfUnchanged(
        items,
        ready,
        now,
        traceContext,
        false,
      );
      if (written) return written;
    }
    const created: CreatedFromVendor[] = [];
    let applied: InboundBatch | undefined;
    const result = await this.store.transaction(async store => {
      created.length = 0;
      const batch = await InboundBatch.load(
        store,
        this.connectors,
        ready,
        now,
        traceContext,
      );
      const outcomes: InboundOutcome[] = [];
      for (const item of items) {
        const outcome = await this.applyOne(store, batch, item, now, created);
        batch.settle(item, outcome);
        outcomes.push(outcome);
      }
      await batch.write(store);
      applied = batch;
      return { outcomes, enqueued: batch.enqueued };
    });
    if (created.length)
      for (const listener of this.createdListeners) listener([...created]);
    if (applied) this.tellRouted(applied);
    return result;
  }

  /** Whether `acceptAndApply` can store and apply a batch in one statement here (Postgres). */
  get acceptsTogether(): boolean {
    return this.store.inboundBatches.writesIfUnchanged;
  }

  /**
   * Postgres: stores changes not yet in the inbox and applies them in one statement, their
   * inbox rows written already settled, if every one of them is new and no incident
   * `prepared` read changed since. Undefined, with nothing written, when the batch is to
   * go the long way: inbox insert on its own, then `applyBatch`. `items` must not repeat
   * an event id.
   */
  async acceptAndApply(
    items: InboundItem[],
    prepared: PreparedBatch,
  ): Promise<{ outcomes: InboundOutcome[]; enqueued: boolean } | undefined> {
    if (!items.length || !this.acceptsTogether) return undefined;
    return this.applyIfUnchanged(
      items,
      prepared,
      this.clock.now(),
      captureTraceContext(),
      true,
    );
  }

  /** The optimistic way of `applyBatch` (and, with `accept`, of `acceptAndApply`); undefined when the batch is to go the other way. */
  private async applyIfUnchanged(
    items: InboundItem[],
    prepared: PreparedBatch,
    now: number,
    traceContext: Record<string, string> | null,
    accept: boolean,
  ) {
    const batch = await InboundBatch.fromRead(
      this.store,
      this.connectors,
      prepared,
      now,
      traceContext,
    );
    const outcomes: InboundOutcome[] = [];
    for (const item of items) {
      const linked = batch.linked(item.integration.id, item.change.externalId);
      if (!linked && this.createsIncident(item)) return undefined;
      const outcome = linked
        ? this.decide(batch, item, linked, now)
        : this.ignoreUnlinked(item);
      batch.settle(item, outcome);
      outcomes.push(outcome);
    }
    if (batch.needsLock || !(await batch.writeIfUnchanged(this.store, accept)))
      return undefined;
    this.tellRouted(batch);
    return { outcomes, enqueued: batch.enqueued };
  }

  private async applyOne(
    store: SyncStore,
    batch: InboundBatch,
    item: InboundItem,
    now: number,
    created: CreatedFromVendor[] = [],
  ): Promise<InboundOutcome> {
    const linked = batch.linked(item.integration.id, item.change.externalId);
    if (!linked)
      return this.createsIncident(item)
        ? this.createFromVendor(store, batch, item, now, created)
        : this.ignoreUnlinked(item);
    return this.decide(batch, item, linked, now);
  }

  /** Decides a change of a linked ticket by `decideInbound` and records it with the batch. */
  private decide(
    batch: InboundBatch,
    item: InboundItem,
    linked: NonNullable<ReturnType<InboundBatch['linked']>>,
    now: number,
  ): InboundOutcome {
    const { integration, change } = item;
    // One span per change, inside the batch's: it carries the incident the change is about.
    return inSyncSpan(
      `decide ${integration.integration_type}`,
      syncAttributes({
        integrationId: integration.id,
        integrationType: integration.integration_type,
        direction: 'inbound',
        incidentId: linked.incident.id,
        externalId: change.externalId,
        operation: 'process',
      }),
      set => {
        const outcome = this.decideLinked(batch, item, linked, now);
        set({ 'sync.outcome': outcome });
        return outcome;
      },
    );
  }

  private decideLinked(
    batch: InboundBatch,
    item: InboundItem,
    linked: NonNullable<ReturnType<InboundBatch['linked']>>,
    now: number,
  ): InboundOutcome {
    const { integration, change } = item;
    const decision = decideInbound({
      change,
      source: {
        id: integration.id,
        conflict_strategy: integration.conflict_strategy,
        conflict_window_seconds: integration.conflict_window_seconds,
        rules: batch.rulesOf(integration.id),
        mapper: this.connectors.mapperFor(integration.integration_type),
      },
      incident: linked.incident,
      lastWritten: linked.link.last_written,
      now,
      otherSource: id => batch.otherSource(id),
    });
    batch.record(item, linked.link, decision);
    return decision.applied ? 'applied' : 'ignored';
  }

  /** Whether a change of a ticket with no platform incident creates one: only when the vendor says it is new. */
  private createsIncident({ integration, change }: InboundItem): boolean {
    const connector = this.connectors.get(integration.integration_type);
    return (
      change.kind === 'created' &&
      Boolean(connector?.capabilities.inboundCreate) &&
      integration.settings.inbound_create !== false
    );
  }

  private ignoreUnlinked({ integration, change }: InboundItem): InboundOutcome {
    this.logger.debug('Inbound change for an unlinked ticket ignored', {
      integration: integration.id,
      external_id: change.externalId,
    });
    return 'ignored';
  }

  /**
   * A vendor ticket with no platform incident, new at the vendor: written at once (rare),
   * and registered with the batch so a later change of the same ticket in this batch
   * updates it rather than creating a second incident.
   */
  private async createFromVendor(
    store: SyncStore,
    batch: InboundBatch,
    { integration, change }: InboundItem,
    now: number,
    created: CreatedFromVendor[],
  ): Promise<InboundOutcome> {
    const fields = {
      ...(change.ticket?.fields ?? {}),
      ...change.fields,
    } as FieldChanges;
    const values = {
      title:
        fields.title ||
        `Incident from ${integration.name} ${change.externalKey ?? change.externalId}`,
      description: fields.description ?? '',
      severity: fields.severity ?? SEVERITY_DEFAULT,
      status: fields.status ?? 'open',
      assigned_to: fields.assigned_to ?? null,
      escalation_policy: fields.escalation_policy ?? null,
      entity_ref:
        typeof integration.settings.default_entity_ref === 'string'
          ? integration.settings.default_entity_ref
          : null,
      incident_type: change.ticket?.incidentType ?? null,
    } as const;
    const incident = await store.incidents.create(values as any, {
      now,
      source: `integration:${integration.id}`,
      linkTo: [],
      plan: () => [],
      external: {
        integrationId: integration.id,
        id: change.externalId,
        key: change.externalKey ?? change.ticket?.externalKey ?? null,
        url: change.ticket?.url ?? null,
        written: pickPlatformFields(values as any),
      },
    });
    const link = (await store.links.byExternalId(
      integration.id,
      change.externalId,
    ))!;
    batch.addCreated(incident, link, integration);
    created.push({ incident, integration, change });
    return 'applied';
  }
}
