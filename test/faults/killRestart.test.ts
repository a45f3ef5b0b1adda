import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { eventually } from './lib/eventually';
import { createServiceNowIntegration, report, startHubs } from './lib/hubFixture';
import { externalIdOf, runLoad } from './lib/load';

test('kill -9 of the hub under sustained load, then a restart: no accepted change lost, no duplicate ticket', async () => {
  const sim = await ServiceNowSimulator.start();
  const { hubs, cleanup } = await startHubs(1);
  after(async () => {
    await cleanup();
    await sim.stop();
  });
  const [hub] = hubs;
  const integration = await createServiceNowIntegration(hub, sim, 'faults-kill');

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
  const lost = new Set(result.incidents.map(i => i.id));
  await eventually(
    async () => {
      for (const incident of result.incidents) {
        if (!lost.has(incident.id)) continue;
        const externalId = await externalIdOf(hub, incident.id);
        const ticket = externalId ? sim.incident(externalId) : undefined;
        if (ticket && ticket.description === incident.lastDescription) lost.delete(incident.id);
      }
      return lost.size === 0;
    },
    `${lost.size} incidents to reach ServiceNow`,
    90_000,
    500,
  );

  const ticketsPerTitle = new Map<string, number>();
  for (const record of sim.store.incidents.values()) {
    ticketsPerTitle.set(record.short_description, (ticketsPerTitle.get(record.short_description) ?? 0) + 1);
  }
  const duplicates = [...ticketsPerTitle.values()].filter(c => c > 1).reduce((s, c) => s + c - 1, 0);
  report('kill -9 and restart', {
    kills_under_load: killsUnderLoad,
    accepted_changes: result.acceptedChanges,
    accepted_incidents: result.incidents.length,
    refused_while_down: result.refused,
    tickets: sim.store.incidents.size,
    lost: lost.size,
    duplicates,
  });
  assert.equal(killsUnderLoad, 2, 'the load finished before both kills');
  assert.equal(lost.size, 0);
  assert.equal(duplicates, 0, 'a ticket was created twice for one platform incident');
  assert.ok(result.refused > 0, 'the load never met the dead hub: the kill did not happen under load');
});
