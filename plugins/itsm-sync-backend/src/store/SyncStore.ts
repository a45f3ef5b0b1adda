import type { Knex } from 'knex';
import { CallbackTokenRepository } from './CallbackTokenRepository';
import { ConflictRepository } from './ConflictRepository';
import { DeliveryRepository } from './DeliveryRepository';
import { DlqRepository } from './DlqRepository';
import { IgnoredEventRepository } from './IgnoredEventRepository';
import { IncidentRepository } from './IncidentRepository';
import { IntegrationRepository } from './IntegrationRepository';
import { LinkRepository } from './LinkRepository';
import { ManualSyncRepository } from './ManualSyncRepository';
import { MetricsRepository } from './MetricsRepository';
import { OutboxRepository } from './OutboxRepository';
import { ReconcileRepository } from './ReconcileRepository';
import { ReplayKeyRepository } from './ReplayKeyRepository';
import { RoutingRepository } from './RoutingRepository';

/** Every repository over one database; `transaction` gives the same set bound to a transaction. */
export class SyncStore {
  readonly integrations: IntegrationRepository;
  readonly incidents: IncidentRepository;
  readonly links: LinkRepository;
  readonly outbox: OutboxRepository;
  readonly dlq: DlqRepository;
  readonly conflicts: ConflictRepository;
  readonly deliveries: DeliveryRepository;
  readonly metrics: MetricsRepository;
  readonly callbackTokens: CallbackTokenRepository;
  readonly manualSync: ManualSyncRepository;
  readonly reconcile: ReconcileRepository;
  readonly ignoredEvents: IgnoredEventRepository;
  readonly routing: RoutingRepository;
  readonly replayKeys: ReplayKeyRepository;

  constructor(readonly db: Knex) {
    this.integrations = new IntegrationRepository(db);
    this.incidents = new IncidentRepository(db);
    this.links = new LinkRepository(db);
    this.outbox = new OutboxRepository(db);
    this.dlq = new DlqRepository(db);
    this.conflicts = new ConflictRepository(db);
    this.deliveries = new DeliveryRepository(db);
    this.metrics = new MetricsRepository(db);
    this.callbackTokens = new CallbackTokenRepository(db);
    this.manualSync = new ManualSyncRepository(db);
    this.reconcile = new ReconcileRepository(db);
    this.ignoredEvents = new IgnoredEventRepository(db);
    this.routing = new RoutingRepository(db);
    this.replayKeys = new ReplayKeyRepository(db);
  }

  async transaction<T>(fn: (store: SyncStore, tx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(tx => fn(new SyncStore(tx), tx));
  }
}
