import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { eventually } from './lib/eventually';
import {
  createServiceNowIntegration,
  report,
  startHubs,
} from './lib/hubFixture';
import { externalIdOf, runLoad } from './lib/load';

/** A work note as written by the hub, without the "Backstage · <author>: " it starts with. */
const noteText = (note: string) => note.replace(/^Backstage(?: · \S+)?: /, '');

test('three hub replicas on one Postgres: every change delivered once, in order per ticket', async () => {
  const sim = await ServiceNowSimulator.start();
  const { hubs, cleanup } = await startHubs(3);
  after(async () => {
    await cleanup();
    await sim.stop();
  });
  const integration = await createServiceNowIntegration(
    hubs[0],
    sim,
    'faults-replicas',
  );
  // ServiceNow owns work notes by default; here the platform's notes must go out.
  const owned = await hubs[0].call(
    'PUT',
    `/v1/integrations/${integration.id}/field-ownership/work_notes`,
    {
      owner: 'platform',
      priority: 10,
    },
  );
  assert.equal(owned.status, 200, JSON.stringify(owned.body));

  // Round robin: consecutive changes of one incident land on different replicas.
  const result = await runLoad({
    pickHub: n => hubs[n % hubs.length],
    integration: integration.name,
    workers: 6,
    incidentsPerWorker: 4,
    updatesPerIncident: 5,
    withNotes: true,
    label: 'replicas',
  });
  assert.equal(result.refused, 0, 'a replica refused a change');

  const sysIds = new Map<string, string>();
  let waitingFor = '';
  await eventually(
    async () => {
      for (const incident of result.incidents) {
        const sysId =
          sysIds.get(incident.id) ?? (await externalIdOf(hubs[0], incident.id));
        waitingFor = `a link for ${incident.title}`;
        if (!sysId) return false;
        sysIds.set(incident.id, sysId);
        const ticket = sim.incident(sysId);
        waitingFor = `'${incident.lastDescription}' on ${sysId}, which has '${ticket?.description}'`;
        if (ticket?.description !== incident.lastDescription) return false;
        waitingFor = `${incident.notes.length} notes on ${sysId}, which has ${sim.workNotes(sysId).length}`;
        if (sim.workNotes(sysId).length < incident.notes.length) return false;
      }
      return true;
    },
    () => `every change to reach ServiceNow (still waiting for ${waitingFor})`,
    60_000,
    250,
  );
  // Let any stray second delivery land before counting.
  await new Promise(r => setTimeout(r, 1500));

  let duplicateNotes = 0;
  let missingNotes = 0;
  let outOfOrder = 0;
  let descriptionWrites = 0;
  let currentValueRewrites = 0;
  for (const incident of result.incidents) {
    const sysId = sysIds.get(incident.id)!;
    const notes = sim.workNotes(sysId).map(noteText);
    duplicateNotes += notes.length - new Set(notes).size;
    missingNotes += incident.notes.filter(n => !notes.includes(n)).length;
    if (
      JSON.stringify([...new Set(notes)]) !==
      JSON.stringify(incident.notes.filter(n => notes.includes(n)))
    )
      outOfOrder += 1;
    // Description writes as ServiceNow received them: their sequence numbers must only grow.
    const seqs = sim.server.calls
      .filter(
        c =>
          c.method === 'PATCH' &&
          c.path.endsWith(`/${sysId}`) &&
          c.status === 200,
      )
      .map(c => (c.body as any)?.description)
      .filter((d): d is string => typeof d === 'string')
      .map(d => Number(/seq (\d+)$/.exec(d)?.[1] ?? 0));
    descriptionWrites += seqs.length;
    // The dispatcher writes a field's current value, so a later row may repeat it; going back never.
    if (seqs.some((s, i) => i > 0 && s < seqs[i - 1])) outOfOrder += 1;
    currentValueRewrites += seqs.filter(
      (s, i) => i > 0 && s === seqs[i - 1],
    ).length;
  }
  const ticketsPerTitle = new Map<string, number>();
  for (const r of sim.store.incidents.values())
    ticketsPerTitle.set(
      r.short_description,
      (ticketsPerTitle.get(r.short_description) ?? 0) + 1,
    );
  const duplicateTickets = [...ticketsPerTitle.values()].reduce(
    (s, c) => s + c - 1,
    0,
  );
  const notesSent = result.incidents.reduce((s, i) => s + i.notes.length, 0);

  report('three replicas', {
    replicas: hubs.length,
    changes_sent: result.acceptedChanges,
    notes_sent: notesSent,
    description_writes_received: descriptionWrites,
    current_value_rewrites: currentValueRewrites,
    tickets: sim.store.incidents.size,
    duplicate_tickets: duplicateTickets,
    duplicate_notes: duplicateNotes,
    lost_notes: missingNotes,
    tickets_out_of_order: outOfOrder,
  });
  assert.equal(sim.store.incidents.size, result.incidents.length);
  assert.equal(duplicateTickets, 0);
  assert.equal(missingNotes, 0);
  assert.equal(duplicateNotes, 0);
  assert.equal(outOfOrder, 0);
});
