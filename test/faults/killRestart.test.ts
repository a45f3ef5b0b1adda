import assert from 'node:assert/strict';
import { test } from 'node:test';
import { report, startServiceNowScenario } from './lib/hubFixture';
import { runLoad, untilLastDescriptionsArrive } from './lib/load';

test('kill -9 of the hub under sustained load, then a restart: no accepted change lost, no duplicate ticket', async () => {
  const { sim, hub, integration } =
    await startServiceNowScenario('faults-kill');

  const load = runLoad({
    pickHub: () => hub,
    integration: integration.name,
    workers: 6,
    incidentsPerWorker: 20,
    updatesPerIncident: 4,
    label: 'kill',
    pauseMs: 30,
  });
  let loadRunning = true;
  void load.finally(() => (loadRunning = false));
  // Kill twice while the load runs: once early (creates in flight), and again soon after
  // the restart (the load is sized to outlast both, however fast the hub drains it).
  let killsUnderLoad = 0;
  for (const delayMs of [1500, 400]) {
    await new Promise(r => setTimeout(r, delayMs));
    if (loadRunning) killsUnderLoad += 1;
    await hub.kill();
    await new Promise(r => setTimeout(r, 300));
    await hub.start();
  }
  const result = await load;

  // Every accepted incident reaches ServiceNow with its last accepted description.
  const lost = await untilLastDescriptionsArrive(hub, sim, result.incidents, {
    what: 'after the kills',
    timeoutMs: 90_000,
  });

  const ticketsPerTitle = new Map<string, number>();
  for (const record of sim.store.incidents.values()) {
    ticketsPerTitle.set(
      record.short_description,
      (ticketsPerTitle.get(record.short_description) ?? 0) + 1,
    );
  }
  const duplicates = [...ticketsPerTitle.values()]
    .filter(c => c > 1)
    .reduce((s, c) => s + c - 1, 0);
  report('kill -9 and restart', {
    kills_under_load: killsUnderLoad,
    accepted_changes: result.acceptedChanges,
    accepted_incidents: result.incidents.length,
    refused_while_down: result.refused,
    tickets: sim.store.incidents.size,
    lost,
    duplicates,
  });
  assert.equal(killsUnderLoad, 2, 'the load finished before both kills');
  assert.equal(lost, 0);
  assert.equal(
    duplicates,
    0,
    'a ticket was created twice for one platform incident',
  );
  assert.ok(
    result.refused > 0,
    'the load never met the dead hub: the kill did not happen under load',
  );
});
