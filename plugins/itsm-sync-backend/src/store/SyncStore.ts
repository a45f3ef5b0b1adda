import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { CallbackTokenRepository } from './CallbackTokenRepository';
import { ConflictRepository } from './ConflictRepository';
import { DeliveryRepository } from './DeliveryRepository';
import { DispatchRepository } from './DispatchRepository';
import { DlqRepository } from './DlqRepository';
import { IgnoredEventRepository } from './IgnoredEventRepository';
import { InboundBatchRepository } from './InboundBatchRepository';
import { IncidentRepository } from './IncidentRepository';
import { IntegrationRepository } from './IntegrationRepository';
import { LinkRepository } from './LinkRepository';
import { ManualSyncRepository } from './ManualSyncRepository';
import { applyDatabaseMigrations } from './migrate';
import { MetricsRepository } from './MetricsRepository';
import { OutboxRepository } from './OutboxRepository';
import { ReconcileRepository } from './ReconcileRepository';
import { RoutingRepository } from './RoutingRepository';

/**
 * A transaction of the store, as `transaction` hands it to its callback: callers only pass
 * it back to repository methods that take one (their statements then join it).
 */
export type StoreTransaction = Knex.Transaction;

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
  /** The reads and writes of a batch of inbound changes. */
  readonly inboundBatches: InboundBatchRepository;
  /** The dispatcher's claim and acknowledgement. */
  readonly dispatch: DispatchRepository;

  /** The plugin's database, its schema brought up to date unless `database.migrations.skip` says otherwise. */
  static async create(options: { database: DatabaseService }): Promise<SyncStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) await applyDatabaseMigrations(knex);
    return new SyncStore(knex);
  }

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
    this.inboundBatches = new InboundBatchRepository(db);
    this.dispatch = new DispatchRepository(db);
  }

  async transaction<T>(fn: (store: SyncStore, tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(tx => fn(new SyncStore(tx), tx));
  }
}
