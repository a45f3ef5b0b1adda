import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ReconcileRunRecord } from '../store/ReconcileRepository';
import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';
import type { Reconciler } from './Reconciler';

/**
 * Runs the reconcile schedules that are due. One Backstage scheduler task calls `tick`
 * every minute; each due schedule is claimed with one conditional UPDATE before it
 * runs, so replicas that tick at the same moment never run it twice.
 */
export class ReconcileScheduler {
  constructor(
    private readonly store: SyncStore,
    private readonly reconciler: Reconciler,
    private readonly logger: LoggerService,
    private readonly clock: Clock,
  ) {}

  async tick(now: number = this.clock.now()): Promise<ReconcileRunRecord[]> {
    const runs: ReconcileRunRecord[] = [];
    for (const schedule of await this.store.reconcile.claimDue(now)) {
      const integration = await this.store.integrations.get(schedule.integration_id);
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
          error: (error as Error).message,
        });
      }
    }
    return runs;
  }
}
