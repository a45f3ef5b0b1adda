import { toError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConnectorError,
  type ConnectorIntegration,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { decideRetry, rateLimitedUntil } from '../engine/retrySchedule';
import { claimShares, type ClaimShares } from '../engine/claimShares';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord, OutboxRecord } from '../store/types';
import {
  inSpan,
  SpanKind,
  syncAttributes,
  syncInstruments,
} from '../telemetry/instruments';
import { restoreTraceContext } from '../telemetry/traceContext';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { IntegrationService } from './IntegrationService';
import type { OutboundDelivery } from './OutboundDelivery';
import { RateLimitSlots } from './RateLimitSlots';
import { WriteBatcher } from './WriteBatcher';
import type { DeliveryAck } from '../store/acknowledgeDeliveries';
import type { LatencyRecorder } from './LatencyRecorder';
import { linkKey, type DispatchBatch } from '../store/DispatchBatchReads';
import { deliveredTrace, failedTrace } from './outboundTrace';

export interface OutboxWorkerOptions {
  store: SyncStore;
  connectors: ConnectorRegistry;
  integrations: IntegrationService;
  /** Makes the vendor calls (tests wrap it to fail or stop after the vendor answered). */
  delivery: Pick<OutboundDelivery, 'deliver'>;
  logger: LoggerService;
  clock: Clock;
  /** A claim is a lease this long; the rows of a worker that died are taken over after it. */
  leaseMs: number;
  /** Delays of the retry schedule, seconds (docs/sync-semantics.md#retry-schedule). */
  retryDelaysSeconds: number[];
  /** Queued updates of one ticket merged into one vendor call, at most. */
  coalesceLimit: number;
  /** Deliveries of one integration in flight at once, at most (its share of the dispatcher's slots). */
  perIntegrationConcurrency: number;
  /** Where acknowledged deliveries' propagation latencies go for the charts (in memory). */
  latencies?: LatencyRecorder;
}

/** What a claim started. */
export interface ClaimedDeliveries {
  /** One promise per delivery, settling when its row is acknowledged, rescheduled or dead-lettered (never rejected). */
  deliveries: Array<Promise<void>>;
  /** Whether due rows may be left: the claim filled its limit or an integration's share. */
  full: boolean;
}

/**
 * Claims due outbox rows and delivers them: the coalesced rows of a ticket in one vendor
 * call, acknowledged (group-committed) only while the lease is held; failures retried on
 * the schedule or dead-lettered. When to claim is the {@link Dispatcher}'s business.
 */
export class OutboxWorker {
  readonly owner = `dispatcher-${randomUUID().slice(0, 8)}`;
  /** The integration of each row in flight, by row id. */
  private readonly inFlight = new Map<number, string>();
  private readonly rateLimits = new RateLimitSlots();

  /**
   * Acknowledgements are group-committed: deliveries that finish together are marked
   * delivered, with their links and counters, in one transaction.
   */
  private readonly acks = new WriteBatcher<DeliveryAck, boolean>(
    async acks =>
      (
        await this.store.dispatch.acknowledge(
          this.owner,
          acks,
          this.clock.now(),
        )
      ).map(value => ({ ok: true, value })),
    // One at a time: acknowledgements that finish meanwhile queue up and go together (they
    // hold back only the next row of the same ticket, never the vendor call in flight).
    { maxBatch: 64, maxConcurrentFlushes: 1 },
  );

  private readonly store: SyncStore;
  private readonly connectors: ConnectorRegistry;
  private readonly integrations: IntegrationService;
  private readonly delivery: Pick<OutboundDelivery, 'deliver'>;
  private readonly logger: LoggerService;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly retryDelaysSeconds: number[];
  private readonly coalesceLimit: number;
  private readonly perIntegrationConcurrency: number;
  private readonly latencies?: LatencyRecorder;

  constructor(options: OutboxWorkerOptions) {
    this.store = options.store;
    this.connectors = options.connectors;
    this.integrations = options.integrations;
    this.delivery = options.delivery;
    this.logger = options.logger;
    this.clock = options.clock;
    this.leaseMs = options.leaseMs;
    this.retryDelaysSeconds = options.retryDelaysSeconds;
    this.coalesceLimit = options.coalesceLimit;
    this.perIntegrationConcurrency = options.perIntegrationConcurrency;
    this.latencies = options.latencies;
  }

  /**
   * Leases up to `limit` due rows, no integration's beyond its share, and starts
   * delivering them.
   */
  async claimAndDeliver(limit: number): Promise<ClaimedDeliveries> {
    const now = this.clock.now();
    const nextCallAt = this.rateLimits.nextCallAt(now);
    const shares = claimShares({
      perIntegration: this.perIntegrationConcurrency,
      inFlight: this.inFlight.values(),
      nextCallAt,
      now,
    });
    const { rows, batch } = await this.claim(limit, now, shares);
    // Secrets are opened once per integration for the whole claim, not once per delivery.
    const opened = new Map<string, ConnectorIntegration>();
    const connectorIntegration = (integration: IntegrationRecord) => {
      if (!opened.has(integration.id))
        opened.set(
          integration.id,
          this.integrations.outboundIntegration(integration),
        );
      return opened.get(integration.id)!;
    };
    const deliveries = rows.map(row =>
      this.process(row, batch, connectorIntegration)
        .catch(error =>
          this.logger.error(
            `Outbox delivery ${row.id} failed: ${toError(error).message}`,
          ),
        )
        .finally(() => this.inFlight.delete(row.id)),
    );
    return {
      deliveries,
      full: rows.length > 0 && filled(rows, limit, shares, nextCallAt),
    };
  }

  /** Deliveries in flight of integrations that hold their whole share of the slots. */
  inFlightAtShare(): number {
    const perIntegration = new Map<string, number>();
    for (const integrationId of this.inFlight.values())
      perIntegration.set(
        integrationId,
        (perIntegration.get(integrationId) ?? 0) + 1,
      );
    let atShare = 0;
    for (const n of perIntegration.values())
      if (n >= this.perIntegrationConcurrency) atShare += n;
    return atShare;
  }

  /** How long until a rate-limited integration's next slot, if one is still to come. */
  msUntilNextSlot(): number | undefined {
    const now = this.clock.now();
    const slot = this.rateLimits.earliestAfter(now);
    return slot === undefined ? undefined : slot - now;
  }

  /** Extends the leases of the rows in flight. */
  async heartbeat() {
    const ids = [...this.inFlight.keys()];
    if (ids.length) {
      await this.store.outbox.heartbeat(
        this.owner,
        ids,
        this.leaseMs,
        this.clock.now(),
      );
    }
  }

  /** Leases due rows and reads what their deliveries need (one statement on Postgres). */
  private async claim(
    limit: number,
    now: number,
    shares: ClaimShares,
  ): Promise<{ rows: OutboxRecord[]; batch: DispatchBatch }> {
    const claimed = await this.store.dispatch.claim({
      owner: this.owner,
      limit,
      leaseMs: this.leaseMs,
      now,
      coalesceLimit: this.coalesceLimit,
      shares,
    });
    for (const row of claimed.rows)
      this.inFlight.set(row.id, row.integration_id);
    return claimed;
  }

  /**
   * Takes the integration's rate-limit slot, or when it has not come (a claim made before
   * this replica knew the integration's limit), puts the row back until it comes without
   * spending an attempt: a slot is never held asleep.
   */
  private async takeSlot(head: OutboxRecord, integration: IntegrationRecord) {
    const now = this.clock.now();
    const slot = this.rateLimits.take(
      integration.id,
      integration.rate_limit,
      now,
    );
    if (slot === undefined) return true;
    await this.store.outbox.reschedule(this.owner, head.id, {
      attempts: head.attempts,
      nextAttemptAt: slot,
      error: head.last_error,
      status: head.last_status,
    });
    return false;
  }

  private async process(
    head: OutboxRecord,
    batch: DispatchBatch,
    connectorIntegration: (
      integration: IntegrationRecord,
    ) => ConnectorIntegration,
  ) {
    const integration = batch.integrations.get(head.integration_id);
    const connector =
      integration && this.connectors.get(integration.integration_type);
    if (!integration || !connector) {
      await this.store.dlq.deadLetter(
        head,
        {
          attempts: head.attempts,
          error: `No connector installed for this integration`,
          status: null,
        },
        this.clock.now(),
      );
      return;
    }
    // Queued rows of the same kind behind the head go out in the same call.
    const queued = batch.followers.get(head.id) ?? [];
    const firstOther = queued.findIndex(f => f.operation !== head.operation);
    const followers = firstOther < 0 ? queued : queued.slice(0, firstOther);
    const rows = [head, ...followers];
    const attributes = syncAttributes({
      integrationId: integration.id,
      integrationType: integration.integration_type,
      direction: 'outbound',
      incidentId: head.incident_id,
      operation: 'send',
    });
    if (!(await this.takeSlot(head, integration))) return;
    const started = Date.now();
    try {
      const key = linkKey(head.incident_id, head.integration_id);
      const target = {
        integration,
        connector,
        connectorIntegration: connectorIntegration(integration),
        rules: batch.rules.get(integration.id) ?? [],
        incident: batch.incidents.get(head.incident_id),
        link: batch.links.get(key),
      };
      const result = await inSpan(
        `send ${integration.integration_type}`,
        attributes,
        SpanKind.PRODUCER,
        restoreTraceContext(head.trace_context),
        async set => {
          const r = await this.delivery.deliver(rows, target);
          set({
            'sync.external_id': r.externalId ?? '',
            'messaging.batch.message_count': rows.length,
          });
          return r;
        },
      );
      const now = this.clock.now();
      const acknowledged = await this.acks.submit({
        rowIds: rows.map(r => r.id),
        integrationId: integration.id,
        incidentId: head.incident_id,
        external: result.external,
        written: result.written,
        trace: deliveredTrace(rows, result, now),
      });
      if (!acknowledged) {
        this.logger.warn(
          'Outbox lease lost before acknowledgement; another worker will deliver',
          { outbox: head.id },
        );
      } else {
        this.latencies?.record(integration.id, now - head.created_at, now);
      }
      syncInstruments.outbound.add(1, { ...attributes, outcome: 'success' });
      syncInstruments.deliveryDuration.record(Date.now() - started, attributes);
      syncInstruments.propagationDelay.record(
        Math.max(0, now - head.created_at),
        attributes,
      );
    } catch (error) {
      await this.handleFailure(
        head,
        integration,
        toError(error),
        Date.now() - started,
      );
      syncInstruments.deliveryDuration.record(Date.now() - started, attributes);
    }
  }

  private async handleFailure(
    row: OutboxRecord,
    integration: IntegrationRecord,
    error: Error,
    latencyMs: number,
  ) {
    const now = this.clock.now();
    const connectorError = error instanceof ConnectorError ? error : undefined;
    const kind = connectorError?.kind ?? 'retryable';
    const status = connectorError?.status ?? null;
    const message = error.message.slice(0, 4000);
    const trace = (
      outcome: 'retry' | 'rate_limited' | 'dead_letter',
      attempts: number,
      nextAttemptAt?: number,
    ) =>
      this.store.trace.add([
        failedTrace(row, {
          kind: outcome,
          now,
          attempts,
          nextAttemptAt,
          status,
          latencyMs,
          error: message,
        }),
      ]);
    const attrs = {
      'sync.integration_id': integration.id,
      'sync.integration_type': integration.integration_type,
    };

    if (kind === 'rate_limited') {
      // Waiting for the vendor is not a failure: the attempt is not spent.
      // The connector dates the vendor's reset by the wall clock; carry the wait over to ours.
      const reset = connectorError?.notBefore
        ? new Date(now + (connectorError.notBefore.getTime() - Date.now()))
        : undefined;
      const until = rateLimitedUntil(
        now,
        reset,
        row.attempts,
        this.retryDelaysSeconds,
        integration.backoff_multiplier,
      );
      await this.store.integrations.setNotBefore(integration.id, until);
      await this.store.outbox.reschedule(this.owner, row.id, {
        attempts: row.attempts,
        nextAttemptAt: until,
        error: message,
        status,
      });
      await trace('rate_limited', row.attempts, until);
      this.logger.info('Vendor rate limit; waiting', {
        integration: integration.id,
        until: new Date(until).toISOString(),
      });
      syncInstruments.outbound.add(1, { ...attrs, outcome: 'rate_limited' });
      return;
    }
    const attempts = row.attempts + 1;
    const decision =
      kind === 'permanent'
        ? ({ action: 'dead-letter' } as const)
        : decideRetry(
            attempts,
            this.retryDelaysSeconds,
            integration.backoff_multiplier,
          );
    if (decision.action === 'dead-letter') {
      // The full vendor answer is kept apart from the message every reader sees (README "Security").
      await this.store.dlq.deadLetter(
        row,
        {
          attempts,
          error: message,
          status,
          vendorBody: connectorError?.body ?? null,
        },
        now,
      );
      await this.store.metrics.increment(integration.id, 'outbound_failed');
      await trace('dead_letter', attempts);
      this.logger.warn('Outbound change moved to the DLQ', {
        integration: integration.id,
        outbox: row.id,
        attempts,
        status: status ?? 'none',
      });
      syncInstruments.outbound.add(1, { ...attrs, outcome: 'dead_letter' });
      return;
    }
    await this.store.outbox.reschedule(this.owner, row.id, {
      attempts,
      nextAttemptAt: now + decision.delayMs,
      error: message,
      status,
    });
    await this.store.links.markRetrying(
      row.incident_id,
      row.integration_id,
      message,
    );
    await trace('retry', attempts, now + decision.delayMs);
    this.logger.info('Outbound delivery failed; retrying on schedule', {
      integration: integration.id,
      outbox: row.id,
      attempts,
      delay_ms: decision.delayMs,
    });
    syncInstruments.outbound.add(1, { ...attrs, outcome: 'retry' });
  }
}

/**
 * Whether a claim took all it could: its limit, or an integration's whole share (a
 * rate-limited integration's one call per slot does not count: its next row waits anyway).
 */
function filled(
  rows: OutboxRecord[],
  limit: number,
  shares: ClaimShares,
  rateLimited: ReadonlyMap<string, number>,
): boolean {
  if (rows.length >= limit) return true;
  const taken = new Map<string, number>();
  for (const row of rows)
    taken.set(row.integration_id, (taken.get(row.integration_id) ?? 0) + 1);
  return [...taken].some(
    ([integrationId, n]) =>
      !rateLimited.has(integrationId) &&
      n >= (shares.room.get(integrationId) ?? shares.perIntegration),
  );
}
