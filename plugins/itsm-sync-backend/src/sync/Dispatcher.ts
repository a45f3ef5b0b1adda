import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConnectorError, type ConnectorIntegration } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { decideRetry, rateLimitedUntil } from '../engine/retrySchedule';
import { nextSlot } from '../engine/rateLimit';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord, OutboxRecord } from '../store/types';
import { inSpan, SpanKind, syncAttributes, syncInstruments } from '../telemetry/instruments';
import { restoreTraceContext } from '../telemetry/traceContext';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { IntegrationService } from './IntegrationService';
import type { OutboundDelivery } from './OutboundDelivery';
import { WriteBatcher } from './WriteBatcher';
import { acknowledgeDeliveries, type DeliveryAck } from '../store/acknowledgeDeliveries';
import { ticketKey, type DispatchBatch } from '../store/DispatchBatchReads';
import { claimDispatchBatch } from '../store/claimDispatchBatch';

export interface DispatcherOptions {
  /** Deliveries in flight at once (different tickets). */
  concurrency: number;
  /** A claim is a lease this long; a crashed worker's rows are taken over after it. */
  leaseMs: number;
  /** Sleep between polls when nothing woke the dispatcher. */
  pollIntervalMs: number;
  /** Delays of the retry schedule, seconds (docs/sync-semantics.md#retry-schedule). */
  retryDelaysSeconds: number[];
  /** Queued updates of one ticket merged into one vendor call, at most. */
  coalesceLimit: number;
}

/** How long a busy dispatcher gathers freed slots before claiming for them. */
const CLAIM_GATHER_MS = 5;

/** Thrown by a test hook to stop a dispatcher dead, as kill -9 would. */
export class SimulatedCrash extends Error {}

/**
 * Claims due outbox rows and delivers them: one row per ticket at a time (order per
 * incident and integration), different tickets in parallel, leases kept alive by a
 * heartbeat, failures retried on the schedule or dead-lettered.
 */
export class Dispatcher {
  readonly owner = `dispatcher-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private readonly inFlight = new Set<number>();
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly lastSlot = new Map<string, number>();
  private crashed = false;
  /** Test seam: runs after the vendor call and before the acknowledgement. */
  afterVendorCall?: (rows: OutboxRecord[]) => Promise<void>;

  /**
   * Acknowledgements are group-committed: deliveries that finish together are marked
   * delivered, with their links and counters, in one transaction.
   */
  private readonly acks = new WriteBatcher<DeliveryAck, boolean>(
    async acks => (await acknowledgeDeliveries(this.store.db, this.owner, acks, this.clock.now())).map(value => ({ ok: true, value })),
    // One at a time: acknowledgements that finish meanwhile queue up and go together (they
    // hold back only the next row of the same ticket, never the vendor call in flight).
    { maxBatch: 64, maxConcurrentFlushes: 1 },
  );

  constructor(
    private readonly store: SyncStore,
    private readonly connectors: ConnectorRegistry,
    private readonly integrations: IntegrationService,
    private readonly delivery: OutboundDelivery,
    private readonly logger: LoggerService,
    private readonly clock: Clock,
    private readonly options: DispatcherOptions,
  ) {}

  start() {
    if (this.running) return;
    this.running = true;
    this.heartbeatTimer = setInterval(() => {
      this.heartbeat().catch(e => this.logger.warn(`Outbox heartbeat failed: ${e}`));
    }, Math.max(1000, Math.floor(this.options.leaseMs / 3)));
    this.heartbeatTimer.unref?.();
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    clearInterval(this.heartbeatTimer);
    this.wake();
    await this.loop;
  }

  /** Delivers without waiting for the next poll (after a commit that enqueued rows). */
  wake() {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Keeps up to `concurrency` deliveries in flight: as soon as one finishes, its slot is
   * refilled by a new claim, so one slow vendor call never holds back a whole batch.
   * Order per ticket still holds because a claim never takes a row queued behind a row
   * that is in flight (still pending, under lease).
   */
  private async run() {
    const running = new Set<Promise<void>>();
    let lastClaimAt = 0;
    let lastClaimFull = false;
    while (this.running && !this.crashed) {
      const free = this.options.concurrency - running.size;
      // While deliveries are in flight, a claim waits a few ms since the last one, so one
      // claim and one read of its rows serve the changes that came meanwhile; after a full
      // claim (more work queued) it goes as soon as half the slots are free. An idle
      // dispatcher claims at once, so a lone change is not delayed. (At 500 changes/s the
      // gathering cut the claims by a fifth: bench, Postgres statement log.)
      const sinceClaim = Date.now() - lastClaimAt;
      const worthClaiming =
        free > 0 && (running.size === 0 || (lastClaimFull && free * 2 >= this.options.concurrency) || sinceClaim >= CLAIM_GATHER_MS);
      let claimed = 0;
      if (worthClaiming) {
        this.woken = false;
        lastClaimAt = Date.now();
        try {
          claimed = await this.claimAndStart(free, running);
          lastClaimFull = claimed > 0 && claimed === free;
        } catch (error) {
          this.logger.error(`Outbox dispatch failed: ${(error as Error).message}`);
        }
        // A full claim may have left more work behind.
        if (claimed > 0 && claimed === free) continue;
      }
      // Otherwise wait for a finished delivery, a wake-up after a commit, or the poll
      // interval; a claim held back for gathering is due after the gather window.
      const waitMs = free > 0 && !worthClaiming ? CLAIM_GATHER_MS - sinceClaim : this.options.pollIntervalMs;
      if (this.woken && worthClaiming && running.size < this.options.concurrency) continue;
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, Math.max(1, Math.min(waitMs, this.options.pollIntervalMs)));
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
    await Promise.allSettled([...running]);
  }

  private async claimAndStart(limit: number, running: Set<Promise<void>>): Promise<number> {
    const claimed = await this.claim(limit);
    if (!claimed) return 0;
    const { rows, batch } = claimed;
    // Secrets are opened once per integration for the whole claim, not once per delivery.
    const opened = new Map<string, ConnectorIntegration>();
    const connectorIntegration = (integration: IntegrationRecord) => {
      if (!opened.has(integration.id)) opened.set(integration.id, this.integrations.outboundIntegration(integration));
      return opened.get(integration.id)!;
    };
    for (const row of rows) {
      const delivery: Promise<void> = this.process(row, batch, connectorIntegration)
        .catch(error => this.logger.error(`Outbox delivery ${row.id} failed: ${(error as Error).message}`))
        .finally(() => {
          this.inFlight.delete(row.id);
          running.delete(delivery);
          // A freed slot can take the next row at once.
          this.wakeUp?.();
        });
      running.add(delivery);
    }
    return rows.length;
  }

  /** Leases due rows and reads what their deliveries need (one statement on Postgres). */
  private async claim(limit: number): Promise<{ rows: OutboxRecord[]; batch: DispatchBatch } | undefined> {
    const claimed = await claimDispatchBatch(this.store.db, this.owner, limit, this.options.leaseMs, this.clock.now(), this.options.coalesceLimit);
    for (const row of claimed.rows) this.inFlight.add(row.id);
    return claimed.rows.length ? claimed : undefined;
  }

  /** Claims one batch and delivers it; returns how many rows it claimed (tests step with it). */
  async runOnce(): Promise<number> {
    const running = new Set<Promise<void>>();
    const claimed = await this.claimAndStart(this.options.concurrency, running);
    await Promise.all([...running]);
    return claimed;
  }

  private async heartbeat() {
    const ids = [...this.inFlight];
    if (ids.length && !this.crashed) {
      await this.store.outbox.heartbeat(this.owner, ids, this.options.leaseMs, this.clock.now());
    }
  }

  private async waitForSlot(integration: IntegrationRecord) {
    const now = this.clock.now();
    const slot = nextSlot(this.lastSlot.get(integration.id), now, integration.rate_limit);
    this.lastSlot.set(integration.id, slot);
    if (slot > now) await new Promise(r => setTimeout(r, slot - now));
  }

  private async process(
    head: OutboxRecord,
    batch: DispatchBatch,
    connectorIntegration: (integration: IntegrationRecord) => ConnectorIntegration,
  ) {
    const integration = batch.integrations.get(head.integration_id);
    const connector = integration && this.connectors.get(integration.integration_type);
    if (!integration || !connector) {
      await this.store.dlq.deadLetter(
        head,
        { attempts: head.attempts, error: `No connector installed for this integration`, status: null },
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
    const started = Date.now();
    try {
      await this.waitForSlot(integration);
      const key = ticketKey(head.incident_id, head.integration_id);
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
          set({ 'sync.external_id': r.externalId ?? '', 'messaging.batch.message_count': rows.length });
          return r;
        },
      );
      await this.afterVendorCall?.(rows);
      const now = this.clock.now();
      const acknowledged = await this.acks.submit({
        rowIds: rows.map(r => r.id),
        integrationId: integration.id,
        incidentId: head.incident_id,
        external: result.external,
        written: result.written,
      });
      if (!acknowledged) {
        this.logger.warn('Outbox lease lost before acknowledgement; another worker will deliver', { outbox: head.id });
      }
      syncInstruments.outbound.add(1, { ...attributes, outcome: 'success' });
      syncInstruments.deliveryDuration.record(Date.now() - started, attributes);
      syncInstruments.propagationDelay.record(Math.max(0, now - head.created_at), attributes);
    } catch (error) {
      if (error instanceof SimulatedCrash) {
        this.crashed = true;
        this.running = false;
        return;
      }
      await this.handleFailure(head, integration, error as Error);
      syncInstruments.deliveryDuration.record(Date.now() - started, attributes);
    }
  }

  private async handleFailure(row: OutboxRecord, integration: IntegrationRecord, error: Error) {
    const now = this.clock.now();
    const connectorError = error instanceof ConnectorError ? error : undefined;
    const kind = connectorError?.kind ?? 'retryable';
    const status = connectorError?.status ?? null;
    const message = error.message.slice(0, 4000);
    const attrs = { 'sync.integration_id': integration.id, 'sync.integration_type': integration.integration_type };

    if (kind === 'rate_limited') {
      // Waiting for the vendor is not a failure: the attempt is not spent.
      // The connector dates the vendor's reset by the wall clock; carry the wait over to ours.
      const reset = connectorError?.notBefore ? new Date(now + (connectorError.notBefore.getTime() - Date.now())) : undefined;
      const until = rateLimitedUntil(now, reset, row.attempts, this.options.retryDelaysSeconds, integration.backoff_multiplier);
      await this.store.integrations.setNotBefore(integration.id, until);
      await this.store.outbox.reschedule(this.owner, row.id, { attempts: row.attempts, nextAttemptAt: until, error: message, status });
      this.logger.info('Vendor rate limit; waiting', { integration: integration.id, until: new Date(until).toISOString() });
      syncInstruments.outbound.add(1, { ...attrs, outcome: 'rate_limited' });
      return;
    }
    const attempts = row.attempts + 1;
    const decision =
      kind === 'permanent'
        ? ({ action: 'dead-letter' } as const)
        : decideRetry(attempts, this.options.retryDelaysSeconds, integration.backoff_multiplier);
    if (decision.action === 'dead-letter') {
      // The full vendor answer is kept apart from the message every reader sees (README "Security").
      await this.store.dlq.deadLetter(row, { attempts, error: message, status, vendorBody: connectorError?.body ?? null }, now);
      await this.store.metrics.increment(integration.id, 'outbound_failed');
      this.logger.warn('Outbound change moved to the DLQ', { integration: integration.id, outbox: row.id, attempts, status: status ?? 'none' });
      syncInstruments.outbound.add(1, { ...attrs, outcome: 'dead_letter' });
      return;
    }
    await this.store.outbox.reschedule(this.owner, row.id, { attempts, nextAttemptAt: now + decision.delayMs, error: message, status });
    await this.store.links.setStateFor(row.incident_id, row.integration_id, 'pending', message);
    this.logger.info('Outbound delivery failed; retrying on schedule', { integration: integration.id, outbox: row.id, attempts, delay_ms: decision.delayMs });
    syncInstruments.outbound.add(1, { ...attrs, outcome: 'retry' });
  }
}
