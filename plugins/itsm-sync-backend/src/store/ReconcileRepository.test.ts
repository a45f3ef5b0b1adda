import {
  createStoreTestDatabases,
  givenIntegration,
  migratedStore,
  knexOf,
  storeOver,
} from './__testUtils__/storeTestDatabases';
import { LinkRepository } from './LinkRepository';
import { ABANDONED_RUN_ERROR } from './ReconcileRepository';
import type { SyncStore } from './SyncStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

/** An integration of the test connector pointing nowhere: runs and schedules only need its id. */
const integration = (store: SyncStore, name: string) =>
  givenIntegration(store, {
    name,
    organization_id: 'acme',
    integration_type: 'test',
    base_url: 'http://127.0.0.1:1',
    secrets_ciphertext: 'sealed',
    credential_keys: [],
    webhook_secret_count: 0,
  });

describe.each(databases.eachSupportedId())(
  'ReconcileRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });

    it('keeps runs with their counts and discrepancies, newest first', async () => {
      const i = await integration(store, 'history');
      const first = await store.reconcile.startRun(
        {
          integrationId: i.id,
          dryRun: true,
          autoHeal: false,
          trigger: 'manual',
        },
        10_000,
      );
      expect(first).toMatchObject({
        status: 'running',
        checked: 0,
        dry_run: true,
        auto_heal: false,
        finished_at: null,
      });
      const discrepancy = {
        kind: 'field_mismatch' as const,
        incident_id: 'inc-1',
        external_id: 'T1',
        field: 'title',
        platform_value: 'a',
        external_value: 'b',
        owner: 'platform' as const,
        action: 'push_platform' as const,
      };
      const done = await store.reconcile.finishRun(
        first.id,
        {
          status: 'succeeded',
          checked: 3,
          discrepanciesFound: 1,
          healed: 0,
          discrepancies: [discrepancy],
        },
        10_250,
      );
      expect(done).toMatchObject({
        status: 'succeeded',
        checked: 3,
        discrepancies_found: 1,
        finished_at: 10_250,
        discrepancies: [discrepancy],
      });
      const second = await store.reconcile.startRun(
        {
          integrationId: i.id,
          dryRun: false,
          autoHeal: true,
          trigger: 'schedule',
        },
        20_000,
      );
      await store.reconcile.finishRun(
        second.id,
        {
          status: 'failed',
          checked: 0,
          discrepanciesFound: 0,
          healed: 0,
          discrepancies: [],
          error: 'vendor down',
        },
        20_100,
      );

      const history = await store.reconcile.history(i.id);
      expect(history.map(r => [r.id, r.status, r.trigger])).toEqual([
        [second.id, 'failed', 'schedule'],
        [first.id, 'succeeded', 'manual'],
      ]);
      expect(history[0].error).toBe('vendor down');
      // Only a successful run moves the "changed externally since" mark.
      expect(await store.reconcile.lastSucceededAt(i.id)).toBe(10_000);
    });

    it('marks failed only the runs whose heartbeat stopped, once', async () => {
      const i = await integration(store, 'abandoned');
      const start = (at: number) =>
        store.reconcile.startRun(
          {
            integrationId: i.id,
            dryRun: true,
            autoHeal: false,
            trigger: 'schedule',
          },
          at,
        );
      const crashed = await start(100_000);
      const alive = await start(100_000);
      const finished = await start(100_000);
      await store.reconcile.touchRun(alive.id, 400_000);
      await store.reconcile.finishRun(
        finished.id,
        {
          status: 'succeeded',
          checked: 1,
          discrepanciesFound: 0,
          healed: 0,
          discrepancies: [],
        },
        110_000,
      );

      expect(await store.reconcile.failAbandonedRuns(300_000, 500_000)).toBe(1);
      expect(await store.reconcile.getRun(crashed.id)).toMatchObject({
        status: 'failed',
        error: ABANDONED_RUN_ERROR,
        finished_at: 500_000,
      });
      expect(await store.reconcile.getRun(alive.id)).toMatchObject({
        status: 'running',
        finished_at: null,
      });
      expect(await store.reconcile.getRun(finished.id)).toMatchObject({
        status: 'succeeded',
        error: null,
      });
      expect(await store.reconcile.failAbandonedRuns(300_000, 600_000)).toBe(0);
      // A finished run takes no heartbeat.
      await store.reconcile.touchRun(crashed.id, 700_000);
      expect(await store.reconcile.failAbandonedRuns(650_000, 800_000)).toBe(1);
      expect(await store.reconcile.getRun(alive.id)).toMatchObject({
        status: 'failed',
        finished_at: 800_000,
      });
      expect(await store.reconcile.getRun(crashed.id)).toMatchObject({
        finished_at: 500_000,
      });
    });

    it('finds links by a page of ticket ids and knows the oldest link', async () => {
      const i = await integration(store, 'links');
      expect(await store.reconcile.earliestLinkAt(i.id)).toBeUndefined();
      const values = {
        title: 't',
        description: '',
        severity: 'SEV-3' as const,
        status: 'open' as const,
        assigned_to: null,
        escalation_policy: null,
        entity_ref: null,
      };
      for (const [n, at] of [
        [1, 5_000],
        [2, 4_000],
        [3, 6_000],
      ]) {
        const incident = await store.incidents.create(values, {
          now: at,
          source: 'platform',
          linkTo: [],
          plan: () => [],
        });
        await LinkRepository.ensure(knexOf(store), incident.id, i.id, at, {
          id: `T${n}`,
        });
      }
      const found = await store.reconcile.linksByExternalIds(i.id, [
        'T1',
        'T3',
        'T-unknown',
      ]);
      expect(found.map(l => l.external_id).sort()).toEqual(['T1', 'T3']);
      expect(await store.reconcile.earliestLinkAt(i.id)).toBe(4_000);
    });

    it('claims a due schedule once, however many replicas tick at the same moment', async () => {
      const i = await integration(store, 'schedule');
      const put = await store.reconcile.putSchedule(
        i.id,
        { intervalSeconds: 3600, autoHeal: true, enabled: true },
        100_000,
      );
      expect(put).toMatchObject({
        interval_seconds: 3600,
        auto_heal: true,
        enabled: true,
        next_run_at: 3_700_000,
        last_run_at: null,
      });
      expect(await store.reconcile.claimDue(3_699_999)).toEqual([]);

      // Two replicas over the same database claim concurrently.
      const other = await storeOver(knexOf(store));
      const [a, b] = await Promise.all([
        store.reconcile.claimDue(3_700_000),
        other.reconcile.claimDue(3_700_000),
      ]);
      const mine = [...a, ...b].filter(s => s.integration_id === i.id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        next_run_at: 7_300_000,
        last_run_at: 3_700_000,
      });
      expect(await store.reconcile.getSchedule(i.id)).toMatchObject({
        next_run_at: 7_300_000,
        last_run_at: 3_700_000,
      });
      expect(
        (await store.reconcile.claimDue(3_700_001)).filter(
          s => s.integration_id === i.id,
        ),
      ).toEqual([]);

      // A disabled schedule is never claimed; changing it starts a new interval.
      await store.reconcile.putSchedule(
        i.id,
        { intervalSeconds: 60, autoHeal: false, enabled: false },
        8_000_000,
      );
      expect(
        (await store.reconcile.claimDue(9_000_000)).filter(
          s => s.integration_id === i.id,
        ),
      ).toEqual([]);
      expect(await store.reconcile.getSchedule(i.id)).toMatchObject({
        enabled: false,
        next_run_at: 8_060_000,
        last_run_at: 3_700_000,
      });
    });
  },
);
