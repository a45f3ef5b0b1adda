import { toError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ReconcileDiscrepancy } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ConnectorError,
  type ChangedTicketsPage,
  type ConnectorContext,
  type ExternalTicket,
  type ItsmConnector,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import {
  diffIncidentAndTicket,
  healPlan,
  type FieldDrift,
} from '../engine/driftDiff';
import { pickPlatformFields, type FieldChanges } from '../engine/fields';
import { planOutbound } from '../engine/outboundPlan';
import { sendsOutbound } from '../engine/ownership';
import { nextSlot } from '../engine/rateLimit';
import { rateLimitedUntil } from '../engine/retrySchedule';
import type {
  ReconcileRunRecord,
  ReconcileTrigger,
} from '../store/ReconcileRepository';
import type { SyncStore } from '../store/SyncStore';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
} from '../store/types';
import { inSpan, SpanKind, syncAttributes } from '../telemetry/instruments';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { RoutedFieldChange } from './InboundBatch';
import { ROUTED_FIELDS } from '../engine/routing';
import type { IntegrationService } from './IntegrationService';

export interface ReconcileProgress {
  checked: number;
  total: number;
}

export interface ReconcileRequestOptions {
  dryRun: boolean;
  autoHeal: boolean;
  trigger: ReconcileTrigger;
  onProgress?: (progress: ReconcileProgress) => void;
}

export interface ReconcilerOptions {
  /** Links read from the database at a time. */
  pageSize: number;
  /** Tickets asked for in one `fetchTickets` call. */
  fetchBatchSize: number;
  /** Discrepancies kept in a run's report; the count is always exact. */
  maxReported: number;
  /** Longest a run waits for a vendor's rate-limit reset before giving up. */
  maxRateLimitWaitMs: number;
  /** Margin before the oldest link when listing, for clocks that disagree. */
  listingMarginMs: number;
  /** How often a running run notes that it is alive (see ReconcileScheduler's sweep). */
  heartbeatMs: number;
  /** Pages of a vendor's changed-since listing one run reads at most; a listing that goes on fails the run. */
  maxListingPages: number;
  sleep: (ms: number) => Promise<void>;
}

const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  pageSize: 500,
  fetchBatchSize: 50,
  maxReported: 10_000,
  maxRateLimitWaitMs: 120_000,
  listingMarginMs: 5 * 60_000,
  heartbeatMs: 30_000,
  maxListingPages: 2_000,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/**
 * Spaces one run's vendor calls inside the integration's rate limit (calls per minute),
 * waits for a reset the vendor announced (kept in the database by any replica), and
 * retries a call the vendor rate-limited.
 */
class VendorPacer {
  private lastSlot?: number;

  constructor(
    private readonly store: SyncStore,
    private readonly integration: IntegrationRecord,
    private readonly clock: Clock,
    private readonly options: ReconcilerOptions,
  ) {}

  async call<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const notBefore =
        (await this.store.integrations.get(this.integration.id))?.not_before ??
        0;
      const now = this.clock.now();
      const slot = nextSlot(this.lastSlot, now, this.integration.rate_limit);
      this.lastSlot = slot;
      const wait = Math.max(slot, notBefore) - now;
      if (wait > this.options.maxRateLimitWaitMs) {
        throw new Error(
          `The vendor asked not to be called before ${new Date(notBefore).toISOString()}`,
        );
      }
      if (wait > 0) await this.options.sleep(wait);
      try {
        return await fn();
      } catch (error) {
        if (
          !(error instanceof ConnectorError) ||
          error.kind !== 'rate_limited' ||
          attempt >= 3
        )
          throw error;
        const until = rateLimitedUntil(
          this.clock.now(),
          error.notBefore,
          attempt,
          undefined,
          this.integration.backoff_multiplier,
        );
        await this.store.integrations.setNotBefore(this.integration.id, until);
      }
    }
  }
}

/** A linked incident and its ticket as the vendor has it now. */
interface Pair {
  link: LinkRecord;
  ticket: ExternalTicket;
}

/** The state of one run while it walks the links. */
class RunState {
  checked = 0;
  found = 0;
  healed = 0;
  readonly reported: ReconcileDiscrepancy[] = [];
  /** Tickets already compared by the listing, so the link pass skips them. */
  readonly seen = new Set<string>();

  constructor(private readonly maxReported: number) {}

  report(d: ReconcileDiscrepancy) {
    this.found++;
    if (this.reported.length < this.maxReported) this.reported.push(d);
  }
}

/**
 * Drift reconcile of one integration: compares every linked incident with its ticket
 * field by field, reports tickets changed at the vendor that no link knows and links
 * whose ticket is gone, and with auto-heal writes each drifted field in the direction
 * ownership says, through the outbox (platform -> vendor) or the inbound update path
 * (vendor -> platform), so ordering, echo suppression and fan-out still hold. A link
 * whose ticket is gone gets its ticket made again from the platform incident (when the
 * integration sends outbound); a ticket no link knows is only reported.
 *
 * Vendor calls: the changed-since listing when the connector can list (one request per
 * page, not per incident), batched `fetchTickets` for linked tickets the listing did
 * not cover, and single fetches only when the vendor offers nothing better. Links are
 * read a page at a time, so a run never holds every linked incident in memory.
 */
export class Reconciler {
  private readonly options: ReconcilerOptions;

  private readonly store: SyncStore;
  private readonly connectors: ConnectorRegistry;
  private readonly integrations: IntegrationService;
  private readonly logger: LoggerService;
  private readonly clock: Clock;
  private readonly onEnqueued: () => void;

  constructor(
    options: Partial<ReconcilerOptions> & {
      store: SyncStore;
      connectors: ConnectorRegistry;
      integrations: IntegrationService;
      logger: LoggerService;
      clock: Clock;
      /** Wakes the dispatcher after auto-heal queued outbound rows. */
      onEnqueued?: () => void;
    },
  ) {
    const {
      store,
      connectors,
      integrations,
      logger,
      clock,
      onEnqueued,
      ...tuning
    } = options;
    this.store = store;
    this.connectors = connectors;
    this.integrations = integrations;
    this.logger = logger;
    this.clock = clock;
    this.onEnqueued = onEnqueued ?? (() => {});
    this.options = { ...DEFAULT_RECONCILER_OPTIONS, ...tuning };
  }

  /** The integration's latest runs, newest first. */
  history(integrationId: string, limit: number): Promise<ReconcileRunRecord[]> {
    return this.store.reconcile.history(integrationId, limit);
  }

  /** A run by id, of any integration. */
  getRun(id: string): Promise<ReconcileRunRecord | undefined> {
    return this.store.reconcile.getRun(id);
  }

  async run(
    integration: IntegrationRecord,
    request: ReconcileRequestOptions,
  ): Promise<ReconcileRunRecord> {
    return inSpan(
      `reconcile ${integration.integration_type}`,
      syncAttributes({
        integrationId: integration.id,
        integrationType: integration.integration_type,
        direction: 'both',
        operation: 'process',
      }),
      SpanKind.INTERNAL,
      undefined,
      async set => {
        const run = await this.runUnspanned(integration, request);
        set({
          'sync.reconcile.checked': run.checked,
          'sync.reconcile.discrepancies': run.discrepancies_found,
        });
        return run;
      },
    );
  }

  private async runUnspanned(
    integration: IntegrationRecord,
    request: ReconcileRequestOptions,
  ): Promise<ReconcileRunRecord> {
    const connector = this.integrations.connectorFor(
      integration.integration_type,
    );
    const heal = request.autoHeal && !request.dryRun;
    const started = await this.store.reconcile.startRun(
      {
        integrationId: integration.id,
        dryRun: request.dryRun,
        autoHeal: request.autoHeal,
        trigger: request.trigger,
      },
      this.clock.now(),
    );
    const state = new RunState(this.options.maxReported);
    // While it runs, the run says it is alive, so a sweep can tell it from an abandoned one.
    const heartbeat = setInterval(() => {
      this.store.reconcile.touchRun(started.id, this.clock.now()).catch(error =>
        this.logger.warn('Reconcile heartbeat failed', {
          run: started.id,
          error: toError(error).message,
        }),
      );
    }, this.options.heartbeatMs);
    heartbeat.unref?.();
    try {
      await this.walk(integration, connector, state, heal, request.onProgress);
      await this.store.metrics.increment(
        integration.id,
        'drift_discrepancies',
        state.found,
      );
      if (state.healed) this.onEnqueued();
      this.logger.info('Drift reconcile finished', {
        integration: integration.id,
        run: started.id,
        checked: state.checked,
        discrepancies: state.found,
        healed: state.healed,
      });
      return await this.store.reconcile.finishRun(
        started.id,
        {
          status: 'succeeded',
          checked: state.checked,
          discrepanciesFound: state.found,
          healed: state.healed,
          discrepancies: state.reported,
        },
        this.clock.now(),
      );
    } catch (error) {
      const message = toError(error).message.slice(0, 2000);
      this.logger.warn('Drift reconcile failed', {
        integration: integration.id,
        run: started.id,
        error: message,
      });
      if (state.found)
        await this.store.metrics.increment(
          integration.id,
          'drift_discrepancies',
          state.found,
        );
      if (state.healed) this.onEnqueued();
      return this.store.reconcile.finishRun(
        started.id,
        {
          status: 'failed',
          checked: state.checked,
          discrepanciesFound: state.found,
          healed: state.healed,
          discrepancies: state.reported,
          error: message,
        },
        this.clock.now(),
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async walk(
    integration: IntegrationRecord,
    connector: ItsmConnector,
    state: RunState,
    heal: boolean,
    onProgress?: (p: ReconcileProgress) => void,
  ) {
    const ctx = await this.integrations.connectorContext(
      integration,
      this.logger,
    );
    const pacer = new VendorPacer(
      this.store,
      integration,
      this.clock,
      this.options,
    );
    const total = await this.store.links.count(integration.id);
    const progress = () => onProgress?.({ checked: state.checked, total });
    progress();
    // "Changed externally" means since the last good run (or since the integration exists).
    const unlinkedSince =
      (await this.store.reconcile.lastSucceededAt(integration.id)) ??
      integration.created_at;

    const listChangedSince = connector.listChangedSince?.bind(connector);
    if (listChangedSince) {
      // Without batched fetches the listing must also cover every linked ticket.
      const earliest = await this.store.reconcile.earliestLinkAt(
        integration.id,
      );
      const listSince =
        connector.fetchTickets || earliest === undefined
          ? unlinkedSince
          : Math.min(unlinkedSince, earliest - this.options.listingMarginMs);
      const listPage = (after?: string) => {
        const page = pacer.call(() =>
          listChangedSince(ctx, new Date(listSince), after),
        );
        // Observed at once, so a page fetched ahead of a walk that then fails is no unhandled rejection.
        page.catch(() => undefined);
        return page;
      };
      // A listing that never ends (a vendor handing out cursors forever, or one again) must not hold the run.
      let pages = 1;
      const cursors = new Set<string>();
      const pageAfter = (cursor: string | undefined) => {
        if (cursor === undefined) return undefined;
        if (++pages > this.options.maxListingPages)
          throw new Error(
            `The vendor's listing of changed tickets did not end after ${this.options.maxListingPages} pages; reconcile stopped`,
          );
        if (cursors.has(cursor))
          throw new Error(
            `The vendor's listing of changed tickets handed out the same page cursor twice; reconcile stopped`,
          );
        cursors.add(cursor);
        return listPage(cursor);
      };
      // The next page is asked for while this one is compared: the vendor's time and ours overlap.
      let next: ReturnType<typeof listPage> | undefined = listPage();
      while (next) {
        const page: ChangedTicketsPage = await next;
        next = pageAfter(page.nextCursor);
        const links = await this.store.reconcile.linksByExternalIds(
          integration.id,
          page.tickets.map(t => t.externalId),
        );
        const byTicket = new Map(links.map(l => [l.external_id!, l]));
        // A ticket the dispatcher has just created is not linked until its delivery is acknowledged.
        const beingLinked = await this.store.reconcile.dedupKeysInUse(
          integration.id,
          page.tickets
            .filter(t => !byTicket.has(t.externalId) && t.dedupKey)
            .map(t => t.dedupKey!),
        );
        const pairs: Pair[] = [];
        for (const ticket of page.tickets) {
          const link = byTicket.get(ticket.externalId);
          if (link) {
            if (!state.seen.has(ticket.externalId))
              pairs.push({ link, ticket });
            state.seen.add(ticket.externalId);
          } else if (
            Date.parse(ticket.updatedAt) >= unlinkedSince &&
            !beingLinked.has(ticket.dedupKey ?? '')
          ) {
            state.report({
              kind: 'unlinked_ticket',
              incident_id: null,
              external_id: ticket.externalId,
              field: null,
              platform_value: null,
              external_value: ticket.fields,
              owner: null,
              action: 'none',
            });
          }
        }
        await this.compare(integration, pairs, state, heal);
        progress();
      }
    }

    let afterId: string | undefined;
    for (;;) {
      const links = await this.store.links.forIntegration(integration.id, {
        afterId,
        limit: this.options.pageSize,
      });
      if (!links.length) break;
      afterId = links[links.length - 1].id;
      // A ticket the vendor deleted is no discrepancy: its link is gone, and it is not made again.
      const todo = links.filter(
        l =>
          l.sync_state !== 'gone' &&
          (!l.external_id || !state.seen.has(l.external_id)),
      );
      // A link without a ticket yet is being created by the dispatcher: nothing to compare.
      state.checked += todo.filter(l => !l.external_id).length;
      const withTicket = todo.filter(l => l.external_id);
      const tickets = await this.fetchTickets(
        connector,
        ctx,
        pacer,
        withTicket.map(l => l.external_id!),
      );
      const pairs: Pair[] = [];
      for (const link of withTicket) {
        const ticket = tickets.get(link.external_id!);
        if (ticket) {
          pairs.push({ link, ticket });
          continue;
        }
        state.checked++;
        const recreate = sendsOutbound(integration.sync_direction);
        state.report({
          kind: 'missing_ticket',
          incident_id: link.incident_id,
          external_id: link.external_id,
          field: null,
          platform_value: null,
          external_value: null,
          owner: null,
          action: recreate ? 'push_platform' : 'none',
        });
        if (heal && recreate)
          state.healed += await this.recreateTicket(integration, link);
      }
      await this.compare(integration, pairs, state, heal);
      progress();
    }
  }

  /** Current tickets by id; an id absent from the answer is a ticket that no longer exists. */
  private async fetchTickets(
    connector: ItsmConnector,
    ctx: ConnectorContext,
    pacer: VendorPacer,
    ids: string[],
  ): Promise<Map<string, ExternalTicket>> {
    const out = new Map<string, ExternalTicket>();
    if (connector.fetchTickets) {
      for (let i = 0; i < ids.length; i += this.options.fetchBatchSize) {
        const batch = ids.slice(i, i + this.options.fetchBatchSize);
        for (const t of await pacer.call(() =>
          connector.fetchTickets!(ctx, batch),
        ))
          out.set(t.externalId, t);
      }
      return out;
    }
    for (const id of ids) {
      const ticket = await pacer.call(() => connector.fetchTicket(ctx, id));
      if (ticket) out.set(ticket.externalId, ticket);
    }
    return out;
  }

  private async compare(
    integration: IntegrationRecord,
    pairs: Pair[],
    state: RunState,
    heal: boolean,
  ) {
    if (!pairs.length) return;
    const rules = await this.store.integrations.rules(integration.id);
    const mapField = this.connectors.mapperFor(integration.integration_type);
    const incidents = new Map(
      (
        await this.store.incidents.getMany(pairs.map(p => p.link.incident_id))
      ).map(i => [i.id, i]),
    );
    for (const { link, ticket } of pairs) {
      state.checked++;
      const incident = incidents.get(link.incident_id);
      if (!incident) continue;
      const input = {
        platform: incident as unknown as Record<string, unknown>,
        external: ticket.fields as Record<string, unknown>,
        lastWritten: link.last_written,
        rules,
        mapField,
        direction: integration.sync_direction,
      };
      let drifts = diffIncidentAndTicket(input);
      if (!drifts.length) continue;
      const pending = (
        await this.store.conflicts.pendingForIncident(incident.id)
      ).filter(c => c.integration_id === integration.id);
      if (pending.length) {
        drifts = diffIncidentAndTicket({
          ...input,
          pendingConflictFields: new Set(pending.map(c => c.field)),
        });
      }
      for (const d of drifts)
        state.report(this.fieldDiscrepancy(incident, ticket, d));
      if (heal)
        state.healed += await this.heal(integration, link, incident, drifts);
    }
  }

  /** The platform still has the incident: its ticket is made again through the outbox. */
  private async recreateTicket(
    integration: IntegrationRecord,
    link: LinkRecord,
  ): Promise<number> {
    const now = this.clock.now();
    await this.store.transaction(async store => {
      await store.reconcile.detachMissingTicket(link.id);
      await store.outbox.enqueue(
        [
          {
            integration_id: integration.id,
            incident_id: link.incident_id,
            operation: 'sync',
            payload: { changes: {} },
          },
        ],
        now,
      );
    });
    return 1;
  }

  private fieldDiscrepancy(
    incident: IncidentRecord,
    ticket: ExternalTicket,
    d: FieldDrift,
  ): ReconcileDiscrepancy {
    return {
      kind: 'field_mismatch',
      incident_id: incident.id,
      external_id: ticket.externalId,
      field: d.field,
      platform_value: d.platform_value,
      external_value: d.external_value,
      owner: d.owner,
      action: d.action,
    };
  }

  /**
   * Writes drifted fields in the owner's direction, in one transaction. Vendor-side
   * values go through the same incident update as an inbound webhook (source
   * `integration:<id>`, so the change fans out to the incident's other integrations and
   * not back to this one) and are remembered on the link, so their echo is ignored.
   * Platform values go out as a forced outbox row, delivered in order by the dispatcher.
   */
  private async heal(
    integration: IntegrationRecord,
    link: LinkRecord,
    incident: IncidentRecord,
    drifts: FieldDrift[],
  ): Promise<number> {
    const { push, pull } = healPlan(drifts);
    const pulled = Object.keys(pull);
    if (!push.length && !pulled.length) return 0;
    let direction: 'outbound' | 'inbound' | 'both' = 'both';
    if (!pulled.length) direction = 'outbound';
    else if (!push.length) direction = 'inbound';
    return inSpan(
      `heal ${integration.integration_type}`,
      syncAttributes({
        integrationId: integration.id,
        integrationType: integration.integration_type,
        direction,
        incidentId: incident.id,
        externalId: link.external_id,
        operation: 'process',
      }),
      SpanKind.INTERNAL,
      undefined,
      () => this.healUnspanned(integration, link, incident, push, pull),
    );
  }

  private async healUnspanned(
    integration: IntegrationRecord,
    link: LinkRecord,
    incident: IncidentRecord,
    push: string[],
    pull: FieldChanges,
  ): Promise<number> {
    const pulled = Object.keys(pull);
    const source = `integration:${integration.id}`;
    const now = this.clock.now();
    let rerouted: RoutedFieldChange | undefined;
    await this.store.transaction(async store => {
      rerouted = undefined;
      if (pulled.length) {
        const [result] = await store.incidents.updateMany(
          [
            {
              id: incident.id,
              changes: pull,
              source,
              plan: ({ incident: updated, changes, links }) =>
                planOutbound({
                  incidentId: updated.id,
                  changes,
                  source,
                  links,
                  connectors: this.connectors,
                }),
            },
          ],
          { now },
        );
        // A healed vendor value routing looks at is a vendor change like a webhook's.
        if (result && ROUTED_FIELDS.some(f => f in result.changed))
          rerouted = {
            incident: result.incident,
            linked: result.links.map(l => l.integration.id),
          };
        await store.links.rememberExternalValues(
          link.id,
          pull as Record<string, unknown>,
        );
      }
      if (push.length) {
        const current = pickPlatformFields(
          incident as unknown as Record<string, unknown>,
        ) as Record<string, unknown>;
        const changes = Object.fromEntries(
          push.map(f => [f, current[f] ?? null]),
        ) as FieldChanges;
        await store.outbox.enqueue(
          [
            {
              integration_id: integration.id,
              incident_id: incident.id,
              operation: 'sync',
              payload: { changes, forced: push },
            },
          ],
          now,
        );
      }
    });
    if (rerouted)
      for (const listener of this.routedListeners) listener([rerouted]);
    return push.length + pulled.length;
  }

  private readonly routedListeners: Array<
    (changed: RoutedFieldChange[]) => void
  > = [];

  /**
   * Calls `listener` after auto-heal took a routed field's value (severity, status) from
   * the vendor, so routing looks at the incident again as after a webhook. Must not throw.
   */
  onRoutedFieldsChanged(listener: (changed: RoutedFieldChange[]) => void) {
    this.routedListeners.push(listener);
  }
}
