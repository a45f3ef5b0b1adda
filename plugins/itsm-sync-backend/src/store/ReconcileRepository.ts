import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ReconcileDiscrepancy } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { toLinkRecord } from './LinkRepository';
import { bool, json, num, numOrNull } from './rows';
import type { LinkRecord } from './types';
import type { ReconcileRunRow, ReconcileScheduleRow } from './tableRows';

export type ReconcileTrigger = 'manual' | 'schedule';
export type ReconcileRunStatus = 'running' | 'succeeded' | 'failed';

/** One reconcile run as stored. */
export interface ReconcileRunRecord {
  id: string;
  integration_id: string;
  dry_run: boolean;
  auto_heal: boolean;
  trigger: ReconcileTrigger;
  status: ReconcileRunStatus;
  checked: number;
  discrepancies_found: number;
  healed: number;
  discrepancies: ReconcileDiscrepancy[];
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

/** A scheduled reconcile of one integration. */
export interface ReconcileScheduleRecord {
  integration_id: string;
  interval_seconds: number;
  auto_heal: boolean;
  enabled: boolean;
  next_run_at: number;
  last_run_at: number | null;
  updated_at: number;
}

function toRun(row: ReconcileRunRow): ReconcileRunRecord {
  return {
    id: row.id,
    integration_id: row.integration_id,
    dry_run: bool(row.dry_run),
    auto_heal: bool(row.auto_heal),
    trigger: row.trigger,
    status: row.status,
    checked: num(row.checked),
    discrepancies_found: num(row.discrepancies_found),
    healed: num(row.healed),
    discrepancies: json(row.discrepancies, []),
    error: row.error ?? null,
    started_at: num(row.started_at),
    finished_at: numOrNull(row.finished_at),
  };
}

function toSchedule(row: ReconcileScheduleRow): ReconcileScheduleRecord {
  return {
    integration_id: row.integration_id,
    interval_seconds: num(row.interval_seconds),
    auto_heal: bool(row.auto_heal),
    enabled: bool(row.enabled),
    next_run_at: num(row.next_run_at),
    last_run_at: numOrNull(row.last_run_at),
    updated_at: num(row.updated_at),
  };
}

/** The error of a run whose hub stopped before it finished. */
export const ABANDONED_RUN_ERROR =
  'The run stopped without finishing: its hub stopped or lost the database (no progress noted for 5 minutes)';

/** Drift reconcile runs (the history), their schedules, and the link look-ups a run needs. */
export class ReconcileRepository {
  constructor(private readonly db: Knex) {}

  async startRun(
    run: {
      integrationId: string;
      dryRun: boolean;
      autoHeal: boolean;
      trigger: ReconcileTrigger;
    },
    now: number,
  ): Promise<ReconcileRunRecord> {
    const id = randomUUID();
    await this.db('reconcile_runs').insert({
      id,
      integration_id: run.integrationId,
      dry_run: run.dryRun,
      auto_heal: run.autoHeal,
      trigger: run.trigger,
      status: 'running',
      checked: 0,
      discrepancies_found: 0,
      healed: 0,
      discrepancies: '[]',
      error: null,
      started_at: now,
      finished_at: null,
      heartbeat_at: now,
    });
    return (await this.getRun(id))!;
  }

  /** Notes that a run's worker is still at it. */
  async touchRun(id: string, now: number): Promise<void> {
    await this.db('reconcile_runs')
      .where({ id, status: 'running' })
      .update({ heartbeat_at: now });
  }

  /**
   * Marks failed the runs whose worker stopped (a hub killed mid-run): still `running`,
   * with no heartbeat since `staleBefore`. Returns how many.
   */
  async failAbandonedRuns(staleBefore: number, now: number): Promise<number> {
    return (
      this.db('reconcile_runs')
        .where({ status: 'running' })
        // Runs started before heartbeats existed have none; their start time stands in.
        .andWhere(q =>
          q
            .where('heartbeat_at', '<', staleBefore)
            .orWhere(n =>
              n
                .whereNull('heartbeat_at')
                .andWhere('started_at', '<', staleBefore),
            ),
        )
        .update({
          status: 'failed',
          error: ABANDONED_RUN_ERROR,
          finished_at: now,
        })
    );
  }

  async finishRun(
    id: string,
    result: {
      status: Exclude<ReconcileRunStatus, 'running'>;
      checked: number;
      discrepanciesFound: number;
      healed: number;
      discrepancies: ReconcileDiscrepancy[];
      error?: string | null;
    },
    now: number,
  ): Promise<ReconcileRunRecord> {
    await this.db('reconcile_runs')
      .where({ id })
      .update({
        status: result.status,
        checked: result.checked,
        discrepancies_found: result.discrepanciesFound,
        healed: result.healed,
        discrepancies: JSON.stringify(result.discrepancies),
        error: result.error ?? null,
        finished_at: now,
      });
    return (await this.getRun(id))!;
  }

  async getRun(id: string): Promise<ReconcileRunRecord | undefined> {
    const row = await this.db('reconcile_runs').where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  /** Runs of an integration, newest first. */
  async history(
    integrationId: string,
    limit = 50,
  ): Promise<ReconcileRunRecord[]> {
    const rows = await this.db('reconcile_runs')
      .where({ integration_id: integrationId })
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRun);
  }

  /** When the last successful run started: tickets changed since then are "changed externally". */
  async lastSucceededAt(integrationId: string): Promise<number | undefined> {
    const row = await this.db('reconcile_runs')
      .where({ integration_id: integrationId, status: 'succeeded' })
      .max({ t: 'started_at' })
      .first();
    return row?.t === null || row?.t === undefined ? undefined : num(row.t);
  }

  /** The links of the given tickets (one query for a page of listed tickets). */
  async linksByExternalIds(
    integrationId: string,
    externalIds: string[],
  ): Promise<LinkRecord[]> {
    if (!externalIds.length) return [];
    const rows = await this.db('links')
      .where({ integration_id: integrationId })
      .whereIn('external_id', externalIds);
    return rows.map(toLinkRecord);
  }

  /** Which of these dedup keys belong to links of the integration (tickets the hub made). */
  async dedupKeysInUse(
    integrationId: string,
    dedupKeys: string[],
  ): Promise<Set<string>> {
    if (!dedupKeys.length) return new Set();
    const rows = await this.db('links')
      .where({ integration_id: integrationId })
      .whereIn('dedup_key', dedupKeys)
      .select('dedup_key');
    return new Set(rows.map(r => r.dedup_key as string));
  }

  /**
   * Forgets a ticket that no longer exists at the vendor, so the next delivery of the
   * link creates a new one (under the same dedup key).
   */
  async detachMissingTicket(linkId: string, tx: Knex = this.db): Promise<void> {
    await tx('links').where({ id: linkId }).update({
      external_id: null,
      external_key: null,
      external_url: null,
      sync_state: 'pending',
      last_written: '{}',
    });
  }

  /** When the integration's oldest link was made, if it has any. */
  async earliestLinkAt(integrationId: string): Promise<number | undefined> {
    const row = await this.db('links')
      .where({ integration_id: integrationId })
      .min({ t: 'created_at' })
      .first();
    return row?.t === null || row?.t === undefined ? undefined : num(row.t);
  }

  /** Creates or replaces the schedule; the first run is one interval from now. */
  async putSchedule(
    integrationId: string,
    schedule: { intervalSeconds: number; autoHeal: boolean; enabled: boolean },
    now: number,
  ): Promise<ReconcileScheduleRecord> {
    const row = {
      integration_id: integrationId,
      interval_seconds: schedule.intervalSeconds,
      auto_heal: schedule.autoHeal,
      enabled: schedule.enabled,
      next_run_at: now + schedule.intervalSeconds * 1000,
      updated_at: now,
    };
    await this.db('reconcile_schedules')
      .insert({ ...row, last_run_at: null })
      .onConflict('integration_id')
      .merge([
        'interval_seconds',
        'auto_heal',
        'enabled',
        'next_run_at',
        'updated_at',
      ]);
    return (await this.getSchedule(integrationId))!;
  }

  async getSchedule(
    integrationId: string,
  ): Promise<ReconcileScheduleRecord | undefined> {
    const row = await this.db('reconcile_schedules')
      .where({ integration_id: integrationId })
      .first();
    return row ? toSchedule(row) : undefined;
  }

  /**
   * Claims the enabled schedules that are due. Each claim is one UPDATE that moves
   * next_run_at an interval ahead only while it is still due, so when several replicas
   * tick at once exactly one of them gets each schedule.
   */
  async claimDue(now: number, limit = 100): Promise<ReconcileScheduleRecord[]> {
    const due = await this.db('reconcile_schedules')
      .where({ enabled: true })
      .andWhere('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .limit(limit);
    const claimed: ReconcileScheduleRecord[] = [];
    for (const row of due.map(toSchedule)) {
      const moved = await this.db('reconcile_schedules')
        .where({ integration_id: row.integration_id, enabled: true })
        .andWhere('next_run_at', '<=', now)
        .update({
          next_run_at: this.db.raw(
            'CAST(? AS BIGINT) + interval_seconds * 1000',
            [now],
          ),
          last_run_at: now,
        });
      if (moved === 1)
        claimed.push({
          ...row,
          next_run_at: now + row.interval_seconds * 1000,
          last_run_at: now,
        });
    }
    return claimed;
  }
}
