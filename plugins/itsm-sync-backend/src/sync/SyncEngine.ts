import type { LoggerService } from '@backstage/backend-plugin-api';
import { defaultPerIntegrationConcurrency } from '../engine/claimShares';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';
import { ConflictService } from './ConflictService';
import { DlqService } from './DlqService';
import type { ConnectorRegistry } from './ConnectorRegistry';
import { Dispatcher, type DispatcherSettings } from './Dispatcher';
import { InboundApplier } from './InboundApplier';
import { InboundPipeline } from './InboundPipeline';
import { LatencyRecorder } from './LatencyRecorder';
import { MetricSeriesService } from './MetricSeriesService';
import type { IntegrationService } from './IntegrationService';
import { AssigneeMapper } from './AssigneeMapper';
import { NotePoster } from './NotePoster';
import { OutboundDelivery } from './OutboundDelivery';
import { OutboxWorker } from './OutboxWorker';
import { PreviewService } from './PreviewService';
import { ReconcileScheduler } from './ReconcileScheduler';
import { Reconciler } from './Reconciler';
import { SyncStatusService } from './SyncStatusService';

export const DEFAULT_DISPATCHER_SETTINGS: DispatcherSettings = {
  concurrency: 16,
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
  retryDelaysSeconds: [30, 120, 480, 1800],
  coalesceLimit: 50,
};

/** The moving parts of sync, wired once per backend instance. */
export class SyncEngine {
  readonly dispatcher: Dispatcher;
  readonly inbound: InboundPipeline;
  /** Applies vendor changes; tells listeners of incidents created from vendors. */
  readonly inboundApplier: InboundApplier;
  readonly conflicts: ConflictService;
  readonly dlq: DlqService;
  readonly status: SyncStatusService;
  /** This replica's propagation latencies, in memory until the minute's flush. */
  readonly latencies = new LatencyRecorder();
  /** The per-minute history behind the charts. */
  readonly metricSeries: MetricSeriesService;
  readonly reconciler: Reconciler;
  readonly reconcileSchedules: ReconcileScheduler;
  /** Test runs of draft configurations; they write nothing. */
  readonly preview: PreviewService;

  constructor(options: {
    store: SyncStore;
    connectors: ConnectorRegistry;
    integrations: IntegrationService;
    logger: LoggerService;
    clock: Clock;
    dispatcher?: Partial<DispatcherSettings>;
  }) {
    const { store, connectors, integrations, logger, clock } = options;
    const wake = () => this.wake();
    const settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...options.dispatcher };
    const worker = new OutboxWorker({
      store,
      connectors,
      integrations,
      delivery: new OutboundDelivery(
        connectors,
        logger,
        integrations.outbound,
        new NotePoster(
          store,
          clock,
          type => connectors.get(type)?.displayName ?? type,
        ),
        new AssigneeMapper(store, clock),
      ),
      logger,
      clock,
      latencies: this.latencies,
      ...settings,
      perIntegrationConcurrency:
        settings.perIntegrationConcurrency ??
        defaultPerIntegrationConcurrency(settings.concurrency),
    });
    this.dispatcher = new Dispatcher({ worker, logger, ...settings });
    this.inboundApplier = new InboundApplier({
      store,
      connectors,
      logger,
      clock,
    });
    this.inbound = new InboundPipeline({
      store,
      connectors,
      integrations,
      applier: this.inboundApplier,
      logger,
      clock,
      onEnqueued: wake,
    });
    this.conflicts = new ConflictService({
      store,
      connectors,
      clock,
      onEnqueued: wake,
    });
    this.dlq = new DlqService({ store, clock });
    this.status = new SyncStatusService(store, clock);
    this.metricSeries = new MetricSeriesService(store, this.latencies, clock);
    this.reconciler = new Reconciler({
      store,
      connectors,
      integrations,
      logger,
      clock,
      onEnqueued: wake,
    });
    this.preview = new PreviewService({
      store,
      connectors,
      integrations,
      logger,
    });
    this.reconcileSchedules = new ReconcileScheduler({
      store,
      reconciler: this.reconciler,
      logger,
      clock,
    });
  }

  wake() {
    this.dispatcher.wake();
  }
}
