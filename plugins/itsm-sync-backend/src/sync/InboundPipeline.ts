import { toError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NormalizedChange,
  WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { acceptsInbound } from '../engine/ownership';
import { pickPlatformFields } from '../engine/fields';
import { chunks } from '../store/chunks';
import type { TraceInsert } from '../store/TraceRepository';
import { deliveryKey, firstOfEachDelivery } from '../store/DeliveryRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import {
  inSpan,
  SpanKind,
  syncAttributes,
  syncInstruments,
} from '../telemetry/instruments';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type {
  InboundApplier,
  InboundItem,
  InboundOutcome,
  PreparedBatch,
} from './InboundApplier';
import type { IntegrationService } from './IntegrationService';
import { CallbackTokenUse } from './CallbackTokenUse';
import { IgnoredEventLog } from './IgnoredEventLog';
import { WebhookIntake } from './WebhookIntake';
import { webhookReplayGuard } from './webhookReplayGuard';
import { WriteBatcher, type BatchOutcome } from './WriteBatcher';

export interface InboundResult {
  status: 'accepted' | 'ignored';
  reason?: string;
  received: number;
  duplicates: number;
  applied: number;
  /** Events acknowledged without action (counted in sync-status with their reason). */
  ignored: number;
}

interface Receipt {
  integrationRef: string;
  request: WebhookRequest;
}

/** An authentic, wanted change of a batch, with the webhook it came in (its index in the batch). */
type BatchChange = InboundItem & { index: number };

/** What became of one accepted change: its outcome, or the error that left it in the inbox. */
type ChangeOutcome = InboundOutcome | 'failed' | { error: unknown };

/** Webhooks taken together at most, and flushes at once (one gathers while one writes). */
// Under load a batch fills for up to 1 ms while the other flush is busy: fewer statements per
// webhook. (Bench inbound ratio on Postgres, three runs each: 1 ms 0.54 every time; 2 ms 0.51-0.57;
// 3 ms 0.44-0.52; none 0.47-0.52; three flushes at once 0.51-0.52, four without gathering 0.41-0.45.)
const RECEIVE_BATCH = { maxBatch: 64, maxConcurrentFlushes: 2, gatherMs: 1 };

const attributesOf = (
  integration: IntegrationRecord,
  operation: 'receive' | 'process',
  externalId?: string,
) =>
  syncAttributes({
    integrationId: integration.id,
    integrationType: integration.integration_type,
    direction: 'inbound',
    externalId,
    operation,
  });

export interface InboundPipelineOptions {
  store: SyncStore;
  connectors: ConnectorRegistry;
  integrations: IntegrationService;
  applier: InboundApplier;
  logger: LoggerService;
  clock: Clock;
  /** Wakes the dispatcher after a commit that enqueued outbox rows. */
  onEnqueued: () => void;
}

/**
 * The inbound webhook path: authenticity over the raw bytes first, then parse, then
 * each change written to the inbox under the vendor's event id (so the vendor may be
 * answered 2xx without risk of loss), then applied. Webhooks that arrive together are
 * group-committed: on Postgres stored and applied in one statement where they can be
 * (see `acceptAndApply`), else one inbox INSERT for all their changes, committed on its
 * own, then one atomic write applying them all (see InboundApplier). A change that fails
 * to apply stays in the inbox and is retried by the sweeper.
 */
export class InboundPipeline {
  private readonly intake: WebhookIntake;
  private readonly ignoredEvents: IgnoredEventLog;
  private readonly receipts = new WriteBatcher<Receipt, InboundResult>(
    items => this.receiveBatch(items),
    RECEIVE_BATCH,
  );

  private readonly store: SyncStore;
  private readonly applier: InboundApplier;
  private readonly logger: LoggerService;
  private readonly clock: Clock;
  private readonly onEnqueued: () => void;

  constructor(options: InboundPipelineOptions) {
    const { store, connectors, integrations, logger, clock } = options;
    this.store = store;
    this.applier = options.applier;
    this.logger = logger;
    this.clock = clock;
    this.onEnqueued = options.onEnqueued;
    this.intake = new WebhookIntake(
      store,
      connectors,
      integrations,
      logger,
      new CallbackTokenUse(store, clock, logger),
      {
        delivery: webhookReplayGuard(store, clock, { record: true }),
        test: webhookReplayGuard(store, clock, { record: false }),
      },
    );
    this.ignoredEvents = new IgnoredEventLog(store, logger, clock);
  }

  /**
   * The signature test (docs/sync-semantics.md#checking-a-delivery): checks a delivery exactly as a real
   * one is checked and reports what it would carry, without storing or applying anything.
   */
  async test(
    integrationRef: string,
    request: WebhookRequest,
  ): Promise<{
    valid: true;
    changes: number;
    ignored: Array<{ event_type: string; reason: string }>;
  }> {
    const { changes, ignored } = await this.intake.check(
      integrationRef,
      request,
    );
    return {
      valid: true,
      changes: changes.length,
      ignored: ignored.map(e => ({
        event_type: e.eventType,
        reason: e.reason,
      })),
    };
  }

  /** Receives one webhook; it is written and applied together with those arriving alongside it. */
  async receive(
    integrationRef: string,
    request: WebhookRequest,
  ): Promise<InboundResult> {
    return this.receipts.submit({ integrationRef, request });
  }

  private async receiveBatch(
    receipts: Receipt[],
  ): Promise<BatchOutcome<InboundResult>[]> {
    const attributes = {
      'messaging.system': 'itsm-sync',
      'messaging.operation.type': 'receive',
      'messaging.batch.message_count': receipts.length,
    };
    return inSpan(
      'receive webhooks',
      attributes,
      SpanKind.CONSUMER,
      undefined,
      async () => {
        const verified = await this.intake.verifyAll(receipts);

        // Every change of every webhook that is authentic and wanted, in arrival order.
        const wanted = verified.map(v =>
          v.ok && this.refusal(v.value.integration) === undefined
            ? v.value
            : undefined,
        );
        const changes = wanted.flatMap((w, index) =>
          w
            ? w.changes.map(change => ({
                index,
                integration: w.integration,
                change,
              }))
            : [],
        );
        const [{ fresh, applied }, unrecorded] = await Promise.all([
          this.acceptAndApply(changes),
          this.ignoredEvents.record(wanted.filter(w => w !== undefined)),
          this.traceOutboundOnly(
            verified.flatMap(v =>
              v.ok && !acceptsInbound(v.value.integration.sync_direction)
                ? v.value.changes.map(change => ({
                    integration: v.value.integration,
                    change,
                  }))
                : [],
            ),
          ),
        ]);
        const outcomes = new Map(fresh.map((c, i) => [c, i]));

        return verified.map((v, index): BatchOutcome<InboundResult> => {
          if (!v.ok) return v;
          const { integration } = v.value;
          const received = v.value.changes.length;
          const ignored = v.value.ignored.length;
          const reason = this.refusal(integration);
          if (reason)
            return {
              ok: true,
              value: {
                status: 'ignored',
                reason,
                received,
                duplicates: 0,
                applied: 0,
                ignored: received + ignored,
              },
            };
          if (ignored && unrecorded.has(integration.id))
            return { ok: false, error: unrecorded.get(integration.id) };
          const own = changes.filter(c => c.index === index);
          const results = own
            .filter(c => outcomes.has(c))
            .map(c => applied[outcomes.get(c)!]);
          const duplicates = own.length - results.length;
          if (duplicates)
            syncInstruments.inbound.add(duplicates, {
              ...attributesOf(integration, 'receive'),
              outcome: 'duplicate',
            });
          const failure = results.find(
            (r): r is { error: unknown } => typeof r === 'object',
          );
          if (failure) return { ok: false, error: failure.error };
          const counts = {
            received,
            duplicates,
            applied: results.filter(r => r === 'applied').length,
            ignored,
          };
          if (!received && ignored) {
            const reasons = [
              ...new Set(
                v.value.ignored.map(e => `${e.eventType}: ${e.reason}`),
              ),
            ].join('; ');
            return {
              ok: true,
              value: { status: 'ignored', reason: reasons, ...counts },
            };
          }
          return { ok: true, value: { status: 'accepted', ...counts } };
        });
      },
    );
  }

  /**
   * Changes of a linked ticket that an outbound-only integration sends are not applied: the
   * incident's sync trace says so, field by field (docs/sync-semantics.md#sync-trace). Rare,
   * so each ticket is looked up on its own; a failure is logged and changes no answer.
   */
  private async traceOutboundOnly(items: InboundItem[]): Promise<void> {
    if (!items.length) return;
    try {
      const entries: TraceInsert[] = [];
      for (const { integration, change } of items) {
        const link = await this.store.links.byExternalId(
          integration.id,
          change.externalId,
        );
        if (!link) continue;
        const fields = Object.keys(
          pickPlatformFields(change.fields as Record<string, unknown>),
        );
        if (change.note) fields.push('notes');
        entries.push({
          incident_id: link.incident_id,
          integration_id: integration.id,
          at: this.clock.now(),
          direction: 'inbound',
          kind: 'event',
          source: `integration:${integration.id}`,
          event_id: change.eventId.slice(0, 200),
          event_type: change.kind,
          fields: fields.map(field => ({
            field,
            outcome: 'skipped',
            reason: 'direction',
            why: 'the integration syncs outbound only',
          })),
        });
      }
      await this.store.trace.add(entries);
    } catch (error) {
      this.logger.warn(
        'Could not trace changes of an outbound-only integration',
        {
          error: toError(error).message,
        },
      );
    }
  }

  /** Why webhooks of this integration are answered but not applied, if they are not. */
  private refusal(integration: IntegrationRecord): string | undefined {
    if (!integration.enabled) return 'integration is disabled';
    if (!acceptsInbound(integration.sync_direction))
      return 'integration syncs outbound only';
    return undefined;
  }

  /**
   * Stores changes in the inbox and applies those new to it. On Postgres the batch is
   * first stored and applied in one statement, its inbox rows written settled; when it
   * cannot be (an event id already in the inbox, an incident changed since the read, an
   * incident to create, a conflict), or on SQLite, it goes the long way: the inbox
   * insert, committed on its own, then the apply.
   */
  private async acceptAndApply(
    changes: BatchChange[],
  ): Promise<{ fresh: BatchChange[]; applied: ChangeOutcome[] }> {
    if (!changes.length) return { fresh: [], applied: [] };
    if (this.applier.acceptsTogether) {
      const firsts = firstOfEachDelivery(
        changes,
        c => c.integration.id,
        c => c.change.eventId,
      );
      const prepared = await this.applier
        .prepare(firsts)
        .catch(() => undefined);
      const together = prepared && (await this.applyTogether(firsts, prepared));
      if (together) return { fresh: firsts, applied: together };
    }
    // The inbox insert commits on its own; the reads the apply needs before its
    // transaction go alongside it, on another connection where there is one. (Read again
    // after a failed statement: the incidents it read may be what changed.)
    const [inserted, prepared] = await Promise.all([
      this.store.deliveries.acceptMany(
        changes.map(c => ({
          integrationId: c.integration.id,
          change: c.change,
        })),
        this.clock.now(),
      ),
      // A failed read is not the inbox's failure: the apply reads again itself.
      this.applier.prepare(changes).catch(() => undefined),
    ]);
    // A change is new once: a repeat of an event id, in the inbox or earlier in this batch, is a duplicate.
    const fresh = changes.filter(c =>
      inserted.delete(deliveryKey(c.integration.id, c.change.eventId)),
    );
    return { fresh, applied: await this.applyAll(fresh, prepared) };
  }

  /** `acceptAndApply`'s one statement; undefined when nothing was written and the batch goes the long way. */
  private async applyTogether(
    items: InboundItem[],
    prepared: PreparedBatch,
  ): Promise<ChangeOutcome[] | undefined> {
    try {
      const written = await this.inProcessSpan(items, () =>
        this.applier.acceptAndApply(items, prepared),
      );
      return written && this.recorded(items, written);
    } catch (error) {
      // Nothing of the statement stays; the long way stores the changes first and applies them again.
      this.logger.debug(
        'Storing and applying inbound changes together failed; taking the long way',
        { error: toError(error).message },
      );
      return undefined;
    }
  }

  /** Runs one write of a batch of accepted changes in its span. */
  private inProcessSpan<T>(
    items: InboundItem[],
    write: () => Promise<T>,
  ): Promise<T> {
    const attributes = {
      'messaging.system': 'itsm-sync',
      'messaging.operation.type': 'process',
      'messaging.batch.message_count': items.length,
    };
    return inSpan(
      'process webhooks',
      attributes,
      SpanKind.CONSUMER,
      undefined,
      write,
    );
  }

  /** Reports a written batch: wakes the dispatcher for what it queued and counts each outcome. */
  private recorded(
    items: InboundItem[],
    { outcomes, enqueued }: { outcomes: InboundOutcome[]; enqueued: boolean },
  ): InboundOutcome[] {
    if (enqueued) this.onEnqueued();
    items.forEach((item, i) =>
      syncInstruments.inbound.add(1, {
        ...attributesOf(item.integration, 'process', item.change.externalId),
        outcome: outcomes[i],
      }),
    );
    return outcomes;
  }

  /**
   * Applies accepted changes in one transaction. When that fails as a whole, each is
   * applied on its own, so one bad change costs only itself a retry from the inbox.
   */
  private async applyAll(
    items: InboundItem[],
    prepared?: PreparedBatch,
  ): Promise<ChangeOutcome[]> {
    if (!items.length) return [];
    try {
      return this.recorded(
        items,
        await this.inProcessSpan(items, () =>
          this.applier.applyBatch(items, prepared),
        ),
      );
    } catch (error) {
      if (items.length > 1) {
        this.logger.warn(
          `Applying ${items.length} inbound changes together failed; applying them one by one`,
          {
            error: toError(error).message,
          },
        );
      }
      const outcomes: ChangeOutcome[] = [];
      for (const item of items) {
        outcomes.push(
          await this.process(item.integration, item.change).catch(e => ({
            error: e,
          })),
        );
      }
      return outcomes;
    }
  }

  /** Applies one accepted change and settles its inbox row; failures stay for the sweeper. */
  async process(
    integration: IntegrationRecord,
    change: NormalizedChange,
  ): Promise<'applied' | 'ignored' | 'failed'> {
    const attributes = attributesOf(integration, 'process', change.externalId);
    try {
      const { outcomes, enqueued } = await inSpan(
        `process ${integration.integration_type}`,
        attributes,
        SpanKind.CONSUMER,
        undefined,
        () => this.applier.applyBatch([{ integration, change }]),
      );
      if (enqueued) this.onEnqueued();
      syncInstruments.inbound.add(1, { ...attributes, outcome: outcomes[0] });
      return outcomes[0];
    } catch (error) {
      this.logger.error(
        'Applying an inbound change failed; it stays in the inbox for retry',
        {
          integration: integration.id,
          event: change.eventId,
          error: toError(error).message,
        },
      );
      await this.store.deliveries.recordAttempt(
        integration.id,
        change.eventId,
        toError(error).message,
      );
      await this.store.metrics.increment(integration.id, 'inbound_failed');
      syncInstruments.inbound.add(1, { ...attributes, outcome: 'failed' });
      return 'failed';
    }
  }

  /** Re-processes inbox rows left unsettled (a crash, a database hiccup), a batch at a time. */
  async sweep(owner: string, olderThanMs = 30_000): Promise<number> {
    const now = this.clock.now();
    const stale = await this.store.deliveries.claimStale(
      owner,
      now - olderThanMs,
      100,
      60_000,
      now,
    );
    if (!stale.length) return 0;
    const integrations = new Map(
      (
        await this.store.integrations.getMany(stale.map(d => d.integration_id))
      ).map(i => [i.id, i]),
    );
    const items = stale.flatMap(d => {
      const integration = integrations.get(d.integration_id);
      return integration ? [{ integration, change: d.change }] : [];
    });
    for (const part of chunks(items, RECEIVE_BATCH.maxBatch))
      await this.applyAll(part);
    return stale.length;
  }
}
