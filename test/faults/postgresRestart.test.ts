import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { eventually } from './lib/eventually';
import { report, startServiceNowScenario } from './lib/hubFixture';
import { externalIdOf, runLoad, untilLastDescriptionsArrive } from './lib/load';

/** Restarts the shared local Postgres 15 cluster (fast mode: it is back in about a second). */
function restartPostgres() {
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', '15', 'main', 'restart', '--', '-m', 'fast'],
    { stdio: 'inherit' },
  );
}

test('Postgres restarted under load: the hub recovers by itself and loses no accepted change', async () => {
  const { sim, hub, integration } =
    await startServiceNowScenario('faults-pg-restart');

  const load = runLoad({
    pickHub: () => hub,
    integration: integration.name,
    workers: 4,
    incidentsPerWorker: 12,
    updatesPerIncident: 4,
    label: 'pg',
    pauseMs: 50,
  });
  let loadRunning = true;
  void load.finally(() => (loadRunning = false));
  await new Promise(r => setTimeout(r, 1500));
  const restartedAt = Date.now();
  restartPostgres();
  const restartMs = Date.now() - restartedAt;
  const loadOutlivedRestart = loadRunning;
  const result = await load;

  const pending = await untilLastDescriptionsArrive(
    hub,
    sim,
    result.incidents,
    { what: 'after the restart', timeoutMs: 60_000 },
  );
  // A change made after the restart still flows, through the same process.
  const fresh = await hub.call('POST', '/v1/incidents', {
    title: 'after the restart',
    severity: 'SEV-2',
    integrations: [integration.name],
  });
  assert.equal(fresh.status, 201);
  await eventually(
    () => externalIdOf(hub, fresh.body.id),
    'a ticket for the incident made after the restart',
  );

  report('postgres restart', {
    restart_ms: restartMs,
    accepted_changes: result.acceptedChanges,
    refused_during_restart: result.refused,
    lost: pending,
    hub_exits: hub.exits,
  });
  assert.ok(
    loadOutlivedRestart,
    'the load ended before Postgres came back: the restart was not under load',
  );
  assert.equal(pending, 0);
  assert.equal(hub.exits, 0, 'the hub process died instead of recovering');
});
