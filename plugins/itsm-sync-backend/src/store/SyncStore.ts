import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { CallbackTokenRepository } from './CallbackTokenRepository';
import { ConflictRepository } from './ConflictRepository';
import { DeliveryRepository } from './DeliveryRepository';
import { DispatchRepository } from './DispatchRepository';
import { DlqRepository } from './DlqRepository';
import { HubNoteRepository } from './HubNoteRepository';
import { IgnoredEventRepository } from './IgnoredEventRepository';
import { InboundBatchRepository } from './InboundBatchRepository';
import { IncidentRepository } from './IncidentRepository';
import { IntegrationRepository } from './IntegrationRepository';
import { LinkRepository } from './LinkRepository';
import { ManualSyncRepository } from './ManualSyncRepository';
import { applyDatabaseMigrations } from './migrate';
import { MetricSeriesRepository } from './MetricSeriesRepository';
import { MetricsRepository } from './MetricsRepository';
import { NoticeRepository } from './NoticeRepository';
import { OutboxRepository } from './OutboxRepository';
import { ReconcileRepository } from './ReconcileRepository';
import { ReplayKeyRepository } from './ReplayKeyRepository';
import { RefusalRepository } from './RefusalRepository';
import { RoutingRepository } from './RoutingRepository';
import { TraceRepository } from './TraceRepository';
import { UserMappingRepository } from './UserMappingRepository';

/** The public methods of a repository: what callers see, and what a fake implements. */
export type RepositoryOf<T> = { [K in keyof T]: T[K] };

/**
 * The plugin's storage, one repository per aggregate. Only store/ holds SQL; everything else
 * sees this interface. `transaction` gives the same set bound to one transaction.
 */
export interface SyncStore {
  readonly integrations: RepositoryOf<IntegrationRepository>;
  readonly incidents: RepositoryOf<IncidentRepository>;
  readonly links: RepositoryOf<LinkRepository>;
  readonly outbox: RepositoryOf<OutboxRepository>;
  readonly dlq: RepositoryOf<DlqRepository>;
  readonly conflicts: RepositoryOf<ConflictRepository>;
  readonly deliveries: RepositoryOf<DeliveryRepository>;
  readonly metrics: RepositoryOf<MetricsRepository>;
  /** The per-minute history behind the metric charts. */
  readonly metricSeries: RepositoryOf<MetricSeriesRepository>;
  readonly callbackTokens: RepositoryOf<CallbackTokenRepository>;
  readonly manualSync: RepositoryOf<ManualSyncRepository>;
  readonly reconcile: RepositoryOf<ReconcileRepository>;
  readonly ignoredEvents: RepositoryOf<IgnoredEventRepository>;
  readonly routing: RepositoryOf<RoutingRepository>;
  /** The reads and writes of a batch of inbound changes. */
  readonly inboundBatches: RepositoryOf<InboundBatchRepository>;
  /** The dispatcher's claim and acknowledgement. */
  readonly dispatch: RepositoryOf<DispatchRepository>;
  /** Signed delivery ids and Jira JWTs seen, each accepted once until it expires. */
  readonly replayKeys: RepositoryOf<ReplayKeyRepository>;
  /** What the sync event feed has announced, and each integration's open episodes. */
  readonly notices: RepositoryOf<NoticeRepository>;
  /** Each incident's sync trace: field decisions of inbound events and outbound deliveries. */
  readonly trace: RepositoryOf<TraceRepository>;
  /** Webhooks refused by verification, per integration, reason and minute. */
  readonly refusals: RepositoryOf<RefusalRepository>;
  /** The notes the hub posted to vendors, so their echoes are dropped. */
  readonly hubNotes: RepositoryOf<HubNoteRepository>;
  /** Who people are at each integration's vendor, where not their platform email. */
  readonly userMappings: RepositoryOf<UserMappingRepository>;

  /** Runs `fn` in one transaction, with the repositories bound to it: every statement through `store` joins it. */
  transaction<T>(fn: (store: SyncStore) => Promise<T>): Promise<T>;
}

/**
 * The SyncStore over the plugin's database (SQLite or Postgres).
 * @internal
 */
export class DatabaseSyncStore implements SyncStore {
  readonly integrations: IntegrationRepository;
  readonly incidents: IncidentRepository;
  readonly links: LinkRepository;
  readonly outbox: OutboxRepository;
  readonly dlq: DlqRepository;
  readonly conflicts: ConflictRepository;
  readonly deliveries: DeliveryRepository;
  readonly metrics: MetricsRepository;
  /** The per-minute history behind the metric charts. */
  readonly metricSeries: MetricSeriesRepository;
  readonly callbackTokens: CallbackTokenRepository;
  readonly manualSync: ManualSyncRepository;
  readonly reconcile: ReconcileRepository;
  readonly ignoredEvents: IgnoredEventRepository;
  readonly routing: RoutingRepository;
  /** The reads and writes of a batch of inbound changes. */
  readonly inboundBatches: InboundBatchRepository;
  /** The dispatcher's claim and acknowledgement. */
  readonly dispatch: DispatchRepository;
  /** Signed delivery ids and Jira JWTs seen, each accepted once until it expires. */
  readonly replayKeys: ReplayKeyRepository;
  /** What the sync event feed has announced, and each integration's open episodes. */
  readonly notices: NoticeRepository;
  /** Each incident's sync trace: field decisions of inbound events and outbound deliveries. */
  readonly trace: TraceRepository;
  /** Webhooks refused by verification, per integration, reason and minute. */
  readonly refusals: RefusalRepository;
  /** The notes the hub posted to vendors, so their echoes are dropped. */
  readonly hubNotes: HubNoteRepository;
  /** Who people are at each integration's vendor, where not their platform email. */
  readonly userMappings: UserMappingRepository;

  /** The plugin's database, its schema brought up to date unless `database.migrations.skip` says otherwise. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSyncStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) await applyDatabaseMigrations(knex);
    return new DatabaseSyncStore(knex);
  }

  private constructor(private readonly db: Knex) {
    this.integrations = new IntegrationRepository(db);
    this.incidents = new IncidentRepository(db);
    this.links = new LinkRepository(db);
    this.outbox = new OutboxRepository(db);
    this.dlq = new DlqRepository(db);
    this.conflicts = new ConflictRepository(db);
    this.deliveries = new DeliveryRepository(db);
    this.metrics = new MetricsRepository(db);
    this.metricSeries = new MetricSeriesRepository(db);
    this.callbackTokens = new CallbackTokenRepository(db);
    this.manualSync = new ManualSyncRepository(db);
    this.reconcile = new ReconcileRepository(db);
    this.ignoredEvents = new IgnoredEventRepository(db);
    this.routing = new RoutingRepository(db);
    this.inboundBatches = new InboundBatchRepository(db);
    this.dispatch = new DispatchRepository(db);
    this.replayKeys = new ReplayKeyRepository(db);
    this.notices = new NoticeRepository(db);
    this.trace = new TraceRepository(db);
    this.refusals = new RefusalRepository(db);
    this.hubNotes = new HubNoteRepository(db);
    this.userMappings = new UserMappingRepository(db);
  }

  async transaction<T>(fn: (store: SyncStore) => Promise<T>): Promise<T> {
    return this.db.transaction(tx => fn(new DatabaseSyncStore(tx)));
  }
}
