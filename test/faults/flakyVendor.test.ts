import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { recordArrivals } from './lib/arrivals';
import { eventually } from './lib/eventually';
import {
  createServiceNowIntegration,
  FAST_SYNC,
  report,
  startHubs,
} from './lib/hubFixture';
import { externalIdOf } from './lib/load';

const TICKETS = 60;
const RETRY_AFTER_SECONDS = 1;
const DELAYS_MS = FAST_SYNC.retry.delaysSeconds.map(s => s * 1000);
/** Timer and clock granularity between the hub and the simulator (same machine, same clock). */
const TOLERANCE_MS = 15;

test('a vendor failing 20% with 500, 10% with 429 and 5% with timeouts: every change delivered or dead-lettered on the exact schedule', async () => {
  const sim = await ServiceNowSimulator.start();
  const arrivals = recordArrivals(sim.server);
  const { hubs, cleanup } = await startHubs(1);
  after(async () => {
    await cleanup();
    await sim.stop();
  });
  const [hub] = hubs;
  const integration = await createServiceNowIntegration(
    hub,
    sim,
    'faults-flaky',
  );

  // Tickets first, with a healthy vendor: each later change then has a path of its own.
  const incidents: Array<{ id: string; sysId: string; description: string }> =
    [];
  for (let i = 0; i < TICKETS; i++) {
    const created = await hub.call('POST', '/v1/incidents', {
      title: `flaky ${i}`,
      severity: 'SEV-3',
      integrations: [integration.name],
    });
    assert.equal(created.status, 201);
    incidents.push({
      id: created.body.id,
      sysId: '',
      description: `flaky change ${i}`,
    });
  }
  for (const incident of incidents) {
    incident.sysId = await eventually(
      () => externalIdOf(hub, incident.id),
      `a ticket for ${incident.id}`,
    );
  }

  const faultsFrom = Date.now();
  sim.server.faults = {
    error500: 0.2,
    rateLimited: 0.1,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    timeout: 0.05,
    timeoutMs: 300,
  };
  for (const incident of incidents) {
    const res = await hub.call('PATCH', `/v1/incidents/${incident.id}`, {
      description: incident.description,
    });
    assert.equal(res.status, 200);
  }

  // Settled: on the ticket, or in the DLQ.
  let dlq: any[] = [];
  await eventually(
    async () => {
      dlq = (await hub.call('GET', `/v1/integrations/${integration.id}/dlq`))
        .body.items;
      const dead = new Set(dlq.map(e => e.incident_id));
      return incidents.every(
        i =>
          dead.has(i.id) ||
          sim.incident(i.sysId)?.description === i.description,
      );
    },
    'every change to be delivered or dead-lettered',
    150_000,
    250,
  );
  sim.server.faults = {};

  const vendorCalls = arrivals.filter(a => a.arrivedAt >= faultsFrom);
  // 1. The retry schedule, per ticket: after the k-th spent failure, no attempt before delay k.
  let scheduleViolations = 0;
  let maxLatenessMs = 0;
  let retries = 0;
  for (const incident of incidents) {
    const calls = vendorCalls.filter(
      c => c.method === 'PATCH' && c.path.endsWith(`/${incident.sysId}`),
    );
    let spent = 0;
    for (let i = 0; i + 1 < calls.length; i++) {
      if (calls[i].status === 429) continue;
      if (calls[i].status < 500) break;
      const delay = DELAYS_MS[spent++];
      retries += 1;
      const gap = calls[i + 1].arrivedAt - calls[i].finishedAt;
      if (gap < delay - TOLERANCE_MS) scheduleViolations += 1;
      maxLatenessMs = Math.max(maxLatenessMs, gap - delay);
    }
  }
  // 2. Nobody calls the vendor before a 429's Retry-After has passed.
  const rateLimits = vendorCalls.filter(c => c.status === 429);
  const early = vendorCalls.filter(c =>
    rateLimits.some(
      r =>
        c.arrivedAt > r.finishedAt &&
        c.arrivedAt <
          r.finishedAt + (r.retryAfterSeconds ?? 0) * 1000 - TOLERANCE_MS,
    ),
  );
  // 3. Dead letters spent the whole schedule.
  const wrongAttempts = dlq.filter(e => e.attempts !== DELAYS_MS.length + 1);
  const delivered = incidents.filter(
    i => sim.incident(i.sysId)?.description === i.description,
  ).length;
  const deadLettered = incidents.filter(i =>
    dlq.some(e => e.incident_id === i.id),
  ).length;

  report('flaky vendor', {
    changes_sent: incidents.length,
    delivered,
    dead_lettered: deadLettered,
    lost: incidents.length - delivered - deadLettered,
    vendor_calls: vendorCalls.length,
    http_500: vendorCalls.filter(c => c.status === 500).length,
    http_429: rateLimits.length,
    timeouts_504: vendorCalls.filter(c => c.status === 504).length,
    retries,
    schedule_violations: scheduleViolations,
    max_lateness_ms: maxLatenessMs,
    calls_before_retry_after: early.length,
    dlq_with_wrong_attempts: wrongAttempts.length,
  });
  assert.equal(delivered + deadLettered, incidents.length);
  assert.equal(scheduleViolations, 0, 'an attempt came before its retry delay');
  assert.equal(early.length, 0, 'a call came before Retry-After');
  assert.equal(wrongAttempts.length, 0);
  assert.ok(rateLimits.length > 0 && retries > 0, 'the faults never fired');
});
