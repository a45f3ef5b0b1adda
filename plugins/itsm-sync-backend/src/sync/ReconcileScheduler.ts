import { toError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ReconcileRunRecord,
  ReconcileScheduleRecord,
} from '../store/ReconcileRepository';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';
import type { Reconciler } from './Reconciler';

/** A run with no heartbeat for this long lost its hub (runs note one every 30 s). */
export const ABANDONED_RUN_AFTER_MS = 5 * 60_000;

/**
 * Runs the reconcile schedules that are due. One Backstage scheduler task calls `tick`
 * every minute; each due schedule is claimed with one conditional UPDATE before it
 * runs, so replicas that tick at the same moment never run it twice. Each tick first
 * closes the runs a stopped hub left `running`.
 */
export class ReconcileScheduler {
  private readonly store: SyncStore;
  private readonly reconciler: Reconciler;
  private readonly logger: LoggerService;
  private readonly clock: Clock;

  constructor(options: {
    store: SyncStore;
    reconciler: Reconciler;
    logger: LoggerService;
    clock: Clock;
  }) {
    this.store = options.store;
    this.reconciler = options.reconciler;
    this.logger = options.logger;
    this.clock = options.clock;
  }

  /** The integration's schedule, if it has one. */
  getSchedule(
    integrationId: string,
  ): Promise<ReconcileScheduleRecord | undefined> {
    return this.store.reconcile.getSchedule(integrationId);
  }

  /** Creates or replaces the integration's schedule; its first run is one interval from now. */
  putSchedule(
    integrationId: string,
    schedule: { intervalSeconds: number; autoHeal: boolean; enabled: boolean },
  ): Promise<ReconcileScheduleRecord> {
    return this.store.reconcile.putSchedule(
      integrationId,
      schedule,
      this.clock.now(),
    );
  }

  async tick(now: number = this.clock.now()): Promise<ReconcileRunRecord[]> {
    const abandoned = await this.store.reconcile.failAbandonedRuns(
      now - ABANDONED_RUN_AFTER_MS,
      now,
    );
    if (abandoned)
      this.logger.warn(
        'Reconcile runs abandoned by a stopped hub marked failed',
        { runs: abandoned },
      );
    const runs: ReconcileRunRecord[] = [];
    for (const schedule of await this.store.reconcile.claimDue(now)) {
      const integration = await this.store.integrations.get(
        schedule.integration_id,
      );
      if (!integration) continue;
      try {
        runs.push(
          await this.reconciler.run(integration, {
            dryRun: !schedule.auto_heal,
            autoHeal: schedule.auto_heal,
            trigger: 'schedule',
          }),
        );
      } catch (error) {
        // One integration's failure (a missing connector) must not stop the others.
        this.logger.warn('Scheduled reconcile could not start', {
          integration: integration.id,
          error: toError(error).message,
        });
      }
    }
    return runs;
  }
}
