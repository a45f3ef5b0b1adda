import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import { dropDatabases, newDatabasePrefix } from './harness/database';
import { HubProcess } from './harness/hubProcess';
import {
  profileWindow,
  summariseByOrigin,
  summariseCpuProfile,
} from './harness/cpuProfile';
import { machineCpuMs, monotonicMicros } from './harness/machineCpu';
import { serviceNowWorkNoteWebhook } from './harness/servicenowWebhooks';
import { pool, quantile } from './harness/stats';
import { resultsMarkdown } from './harness/resultsMarkdown';
import { freePort } from '../faults/lib/ports';
import { LoadClient } from './harness/loadClient';

const INBOUND_WEBHOOKS = 9000;
const INBOUND_ROUNDS = 3;
// Long enough for V8 to optimise the webhook path's once-a-batch code (a batch holds about 14
// webhooks): after 600 the first timed round was the slowest in 3 runs of 4 (0.37-0.42; later rounds 0.45-0.56).
const WARM_UP_WEBHOOKS = 3000;
const OFFERED_RATE = 500;
const OFFERED_SECONDS = 10;
const BURST_CHANGES = 4000;
// API calls before a burst-only run's burst, in place of the full run's phases before it
// (12,000 webhooks and 5,000 changes): 5,000 left the burst's path less optimised.
const WARM_UP_CHANGES = 10_000;
const TICKETS = 200;
const RECONCILE_INCIDENTS = Number(
  process.env.BENCH_RECONCILE_INCIDENTS ?? 10_000,
);
const SECRET = `bench-${randomBytes(8).toString('hex')}`;

const log = (s: string) => console.log(`[bench] ${s}`);
const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise(r => setTimeout(r, 20));
  }
  return false;
}

type PhaseFigures = {
  ms: number;
  cpuMs: number;
  systemMs: number;
  machineCpuMs: number;
  mainThreadRanMs: number;
  mainThreadWaitedMs: number;
};

/** The figures of several runs of one timed phase, added up. */
function totalOf(rounds: PhaseFigures[]): PhaseFigures {
  const sum = (key: keyof PhaseFigures) =>
    rounds.reduce((total, r) => total + r[key], 0);
  return {
    ms: sum('ms'),
    cpuMs: sum('cpuMs'),
    systemMs: sum('systemMs'),
    machineCpuMs: sum('machineCpuMs'),
    mainThreadRanMs: sum('mainThreadRanMs'),
    mainThreadWaitedMs: sum('mainThreadWaitedMs'),
  };
}

/** How the hub's JavaScript thread spent a phase, % of its wall time: running, and ready but waiting for a core. */
const mainThreadShares = (p: PhaseFigures) =>
  p.ms
    ? {
        ran: Math.round((100 * p.mainThreadRanMs) / p.ms),
        waited_for_core: Math.round((100 * p.mainThreadWaitedMs) / p.ms),
      }
    : undefined;

/** One database's run: returns figures for RESULTS.md. */
async function benchOne(
  database: 'postgres' | 'sqlite',
  profileDir?: string,
  options: {
    inboundOnly?: boolean;
    /** The burst and its no-op ceiling alone, after a warm-up of the same calls: for a quick look. */
    burstOnly?: boolean;
  } = {},
) {
  const prefix =
    database === 'postgres' ? newDatabasePrefix('bench') : undefined;
  const sim = await ServiceNowSimulator.start();
  sim.server.maxRecordedCalls = 1_000_000;
  const hub = new HubProcess({
    port: await freePort(),
    database: prefix ? { prefix } : 'sqlite',
    token: `bench-${randomBytes(12).toString('hex')}`,
    encryptionKey: randomBytes(32).toString('hex'),
    itsmSync: {
      dispatcher: { pollIntervalMs: 100, leaseSeconds: 60, concurrency: 32 },
    },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  process.env.HUB_LOG_LEVEL = 'warn';
  const rss = setInterval(() => hub.sampleRss(), 100);
  const out: Record<string, unknown> = { database };
  /** Monotonic windows of the timed phases, to cut the profile to each (µs). */
  const phases: Record<string, Array<{ from: number; to: number }>> = {};
  out.phases = phases;
  /** Steal and all machine time summed over the timed phases: how much the hypervisor took (ms). */
  const machineTime = { steal: 0, all: 0 };
  /**
   * Runs one timed phase: its wall time, the hub's CPU time (and the kernel's part of it),
   * how its main thread spent the phase, the busy time of the whole machine, and its
   * profile window.
   */
  const timed = async <T>(phase: string, run: () => Promise<T>) => {
    const hubStart = hub.cpuSplitMs();
    const mainThreadStart = hub.mainThreadSchedMs();
    const machineStart = machineCpuMs();
    const start = Date.now();
    const window = { from: monotonicMicros(), to: 0 };
    const value = await run();
    window.to = monotonicMicros();
    (phases[phase] ??= []).push(window);
    const hubEnd = hub.cpuSplitMs();
    const mainThreadEnd = hub.mainThreadSchedMs();
    const machineEnd = machineCpuMs();
    machineTime.steal += machineEnd.steal - machineStart.steal;
    machineTime.all += machineEnd.all - machineStart.all;
    const systemMs = hubEnd.system - hubStart.system;
    const cpuMs = hubEnd.user - hubStart.user + systemMs;
    return {
      value,
      ms: Date.now() - start,
      cpuMs,
      systemMs,
      machineCpuMs: machineEnd.busy - machineStart.busy,
      mainThreadRanMs: mainThreadEnd.ran - mainThreadStart.ran,
      mainThreadWaitedMs: mainThreadEnd.waited - mainThreadStart.waited,
    };
  };
  /** The kernel's share of the hub's CPU time in a phase, %. */
  const systemShare = (p: { cpuMs: number; systemMs: number }) =>
    p.cpuMs ? Math.round((100 * p.systemMs) / p.cpuMs) : undefined;
  const client = new LoadClient(64);
  const patch = async (incidentId: string, description: string) => {
    const res = await client.json(
      'PATCH',
      `${hub.api}/v1/incidents/${incidentId}`,
      hub.authHeaders(),
      { description },
    );
    if (res.status !== 200)
      throw new Error(
        `PATCH answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
  };
  try {
    await hub.start();
    const integration = (
      await hub.call('POST', '/v1/integrations', {
        organization_id: 'acme-corp',
        integration_type: 'servicenow',
        name: 'bench-snow',
        base_url: sim.baseUrl,
        credentials: {
          username: sim.credentials.username,
          password: sim.credentials.password,
        },
        webhook_secrets: [SECRET],
        sync_direction: 'bidirectional',
        enabled: true,
        // Reconcile lists 1,000 tickets a page, as the listing it is compared with does.
        settings: { page_size: 1000 },
      })
    ).body;

    // Linked tickets to work on.
    const incidents: string[] = [];
    await pool(TICKETS, 16, async i => {
      const res = await hub.call('POST', '/v1/incidents', {
        title: `bench ${i}`,
        severity: 'SEV-3',
        integrations: [integration.name],
      });
      incidents[i] = res.body.id;
    });
    const sysIds: string[] = [];
    await waitFor(async () => {
      for (let i = 0; i < incidents.length; i++) {
        if (sysIds[i]) continue;
        const view = await hub.call('GET', `/v1/incidents/${incidents[i]}`);
        sysIds[i] = view.body.links?.[0]?.external_id;
      }
      return sysIds.filter(Boolean).length === incidents.length;
    }, 60_000);

    /** Inbound: verified + persisted + applied webhooks/s vs a trivial route. */
    const runInbound = async () => {
      sim.setWebhookTarget({ secret: SECRET });
      await sim.editAsPerson(sysIds[0], { work_notes: 'template' });
      const template = sim.lastWebhook()!.rawBody;
      const webhooks = Array.from(
        { length: INBOUND_WEBHOOKS + WARM_UP_WEBHOOKS },
        (_, n) => {
          const payload = JSON.parse(template.toString());
          payload.sys_id = sysIds[n % sysIds.length];
          return serviceNowWorkNoteWebhook(
            Buffer.from(JSON.stringify(payload)),
            SECRET,
            n,
          );
        },
      );
      const post = (
        url: string,
        w: { rawBody: Buffer; headers: Record<string, string> },
      ) => client.send('POST', url, w.headers, w.rawBody);
      // Both routes warm up alike (JIT, connection pools) before either is timed.
      const warmUp = webhooks.splice(0, WARM_UP_WEBHOOKS);
      await pool(warmUp.length, 32, async i => {
        await post(`${hub.api}/v1/webhooks/${integration.id}`, warmUp[i]);
        await post(`${hub.baseUrl}/api/bench/noop`, warmUp[i]);
      });
      let applied = 0;
      let refused = 0;
      // The two routes take turns, a round each, so a change in the machine's speed during
      // the phase (it is shared) falls on both alike.
      const inboundRounds: Array<Awaited<ReturnType<typeof timed>>> = [];
      const trivialRounds: Array<Awaited<ReturnType<typeof timed>>> = [];
      const perRound = Math.ceil(webhooks.length / INBOUND_ROUNDS);
      for (let round = 0; round < INBOUND_ROUNDS; round++) {
        const mine = webhooks.slice(round * perRound, (round + 1) * perRound);
        inboundRounds.push(
          await timed('inbound', () =>
            pool(mine.length, 32, async i => {
              const r = await post(
                `${hub.api}/v1/webhooks/${integration.id}`,
                mine[i],
              );
              if (r.status >= 200 && r.status < 300)
                applied += Number(r.body?.applied ?? 0);
              else refused += 1;
            }),
          ),
        );
        trivialRounds.push(
          await timed('trivial', () =>
            pool(mine.length, 32, async i => {
              await post(`${hub.baseUrl}/api/bench/noop`, mine[i]);
            }),
          ),
        );
      }
      const inbound = totalOf(inboundRounds);
      const trivial = totalOf(trivialRounds);
      out.inbound = {
        warm_up_requests_per_route: WARM_UP_WEBHOOKS,
        rounds: INBOUND_ROUNDS,
        webhooks: webhooks.length,
        applied,
        refused,
        per_second: perSecond(webhooks.length, inbound.ms),
        trivial_per_second: perSecond(webhooks.length, trivial.ms),
        ratio: +(trivial.ms / inbound.ms).toFixed(2),
        // Each round's own ratio: how far the figure moves within one run on this machine.
        ratio_by_round: inboundRounds.map(
          (r, i) => +(trivialRounds[i].ms / r.ms).toFixed(2),
        ),
        hub_cpu_us_per_webhook: Math.round(
          (inbound.cpuMs * 1000) / webhooks.length,
        ),
        hub_cpu_us_per_trivial_request: Math.round(
          (trivial.cpuMs * 1000) / webhooks.length,
        ),
        // Postgres, the simulator and the load generator: the rest of the machine's busy time.
        other_cpu_us_per_webhook: Math.round(
          ((inbound.machineCpuMs - inbound.cpuMs) * 1000) / webhooks.length,
        ),
        hub_system_cpu_share: systemShare(inbound),
        hub_main_thread: mainThreadShares(inbound),
        trivial_hub_main_thread: mainThreadShares(trivial),
      };
      log(`${database} inbound ${JSON.stringify(out.inbound)}`);
    };

    /** Outbound at a fixed offered load: latency from the API call to the simulator's write. */
    const runOfferedLoad = async () => {
      const sentAt = new Map<string, number>();
      const answeredAt = new Map<string, number>();
      const offered = OFFERED_RATE * OFFERED_SECONDS;
      const callsBefore = sim.server.calls.length;
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      await client.send(
        'POST',
        `${hub.baseUrl}/api/bench/loop-delay/reset`,
        {},
      );
      const offeredPhase = await timed('offered', async () => {
        const start = Date.now();
        const inFlight: Promise<unknown>[] = [];
        for (let n = 0; n < offered; n++) {
          const due = start + (n * 1000) / OFFERED_RATE;
          if (due > Date.now())
            await new Promise(r => setTimeout(r, due - Date.now()));
          const description = `offered ${n}`;
          sentAt.set(description, Date.now());
          inFlight.push(
            patch(incidents[n % incidents.length], description).then(() =>
              answeredAt.set(description, Date.now()),
            ),
          );
        }
        await Promise.all(inFlight);
        return waitFor(() => {
          const seen = new Set(
            sim.server.calls
              .slice(callsBefore)
              .map(c => (c.body as any)?.description),
          );
          return incidents.every((_, i) =>
            seen.has(`offered ${offered - incidents.length + i}`),
          );
        }, 60_000);
      });
      loopDelay.disable();
      const hubLoopDelay = (
        await client.send('GET', `${hub.baseUrl}/api/bench/loop-delay`, {})
      ).body;
      const latencies: number[] = [];
      // The same latencies by the second they were sent in: whether the tail is spread over
      // the phase or falls in a few stalls (a busy moment of the shared machine).
      const bySecond: number[][] = [];
      const firstSent = Math.min(...sentAt.values());
      for (const call of sim.server.calls.slice(callsBefore)) {
        const d = (call.body as any)?.description;
        if (call.method !== 'PATCH' || !sentAt.has(d)) continue;
        latencies.push(call.at - sentAt.get(d)!);
        (bySecond[Math.floor((sentAt.get(d)! - firstSent) / 1000)] ??= []).push(
          call.at - sentAt.get(d)!,
        );
      }
      const secondP99s = bySecond.filter(Boolean).map(l => quantile(l, 0.99));
      out.outbound_offered = {
        offered_per_second: OFFERED_RATE,
        changes: offered,
        drained: offeredPhase.value,
        vendor_writes: latencies.length,
        p50_ms: quantile(latencies, 0.5),
        p99_ms: quantile(latencies, 0.99),
        max_ms: Math.max(...latencies),
        p99_ms_by_second: secondP99s,
        // The API call alone (sent to answered): the part of the latency before the dispatcher.
        api_p99_ms: quantile(
          [...answeredAt].map(([d, at]) => at - sentAt.get(d)!),
          0.99,
        ),
        seconds_with_p99_over_100_ms: secondP99s.filter(v => v >= 100).length,
        // Event-loop delay over the phase: the hub's, and the load generator and simulator's
        // (a stall there would show as latency the hub did not add).
        hub_loop_delay_max_ms: hubLoopDelay?.max_ms,
        hub_loop_delay_p99_ms: hubLoopDelay?.p99_ms,
        load_process_loop_delay_max_ms: Math.round(loopDelay.max / 1e6),
        // One change at a time, mostly: what a change costs when there is little to batch.
        hub_cpu_us_per_change: Math.round(
          (offeredPhase.cpuMs * 1000) / offered,
        ),
        other_cpu_us_per_change: Math.round(
          ((offeredPhase.machineCpuMs - offeredPhase.cpuMs) * 1000) / offered,
        ),
        hub_system_cpu_share: systemShare(offeredPhase),
        hub_main_thread: mainThreadShares(offeredPhase),
      };
      log(
        `${database} outbound offered ${JSON.stringify(out.outbound_offered)}`,
      );
    };

    /** Waits until every ticket holds the last of `count` changes `${label} ${n}` made round the tickets. */
    const lastChangesDelivered = (label: string, count: number) => {
      const last = incidents.map(
        (_, i) => `${label} ${count - incidents.length + i}`,
      );
      return waitFor(
        () => sysIds.every((s, i) => sim.incident(s)?.description === last[i]),
        120_000,
      );
    };

    /**
     * The burst-only run's stand-in for the phases before the burst: the same API calls
     * until V8 has optimised their path, then until every ticket is delivered.
     */
    const warmUpForBurst = async () => {
      await pool(WARM_UP_CHANGES, 64, async n => {
        await patch(incidents[n % incidents.length], `warm-up ${n}`);
      });
      // The no-op route gets as many as each inbound route does in a full run.
      await pool(WARM_UP_WEBHOOKS, 64, async n => {
        await client.json(
          'PATCH',
          `${hub.baseUrl}/api/bench/authenticated-noop`,
          hub.authHeaders(),
          { description: `warm-up ${n}` },
        );
      });
      await lastChangesDelivered('warm-up', WARM_UP_CHANGES);
    };

    if (options.burstOnly) {
      await warmUpForBurst();
    } else {
      await runInbound();
      if (options.inboundOnly) return out;
      await runOfferedLoad();
    }

    // Outbound throughput: a burst, then the time until every ticket holds its last value.
    const burstBefore = sim.server.calls.length;
    const burst = await timed('burst', async () => {
      const start = Date.now();
      await pool(BURST_CHANGES, 64, async n => {
        await patch(incidents[n % incidents.length], `burst ${n}`);
      });
      const acceptedMs = Date.now() - start;
      const drained = await lastChangesDelivered('burst', BURST_CHANGES);
      return { acceptedMs, drained };
    });
    // The same number of authenticated calls to a route that does nothing: what any API call costs here.
    const ceiling = await timed('authenticated_noop', () =>
      pool(BURST_CHANGES, 64, async n => {
        await client.json(
          'PATCH',
          `${hub.baseUrl}/api/bench/authenticated-noop`,
          hub.authHeaders(),
          { description: `noop ${n}` },
        );
      }),
    );
    const writes = sim.server.calls
      .slice(burstBefore)
      .filter(c => c.method === 'PATCH').length;
    out.outbound_burst = {
      changes: BURST_CHANGES,
      drained: burst.value.drained,
      accepted_per_second: perSecond(BURST_CHANGES, burst.value.acceptedMs),
      authenticated_noop_per_second: perSecond(BURST_CHANGES, ceiling.ms),
      delivered_changes_per_second: perSecond(BURST_CHANGES, burst.ms),
      vendor_writes: writes,
      vendor_writes_per_second: perSecond(writes, burst.ms),
      hub_cpu_us_per_change: Math.round((burst.cpuMs * 1000) / BURST_CHANGES),
      hub_cpu_us_per_authenticated_noop: Math.round(
        (ceiling.cpuMs * 1000) / BURST_CHANGES,
      ),
      other_cpu_us_per_change: Math.round(
        ((burst.machineCpuMs - burst.cpuMs) * 1000) / BURST_CHANGES,
      ),
      hub_system_cpu_share: systemShare(burst),
      // Whether the hub's thread or the two cores were the limit (see burstReading in resultsMarkdown.ts).
      hub_main_thread: mainThreadShares(burst),
      authenticated_noop_hub_main_thread: mainThreadShares(ceiling),
    };
    log(`${database} outbound burst ${JSON.stringify(out.outbound_burst)}`);

    // Reconcile of many linked incidents vs the simulator's own listing time (Postgres only: the slow part is setup).
    if (
      database === 'postgres' &&
      RECONCILE_INCIDENTS > 0 &&
      !profileDir &&
      !options.burstOnly
    ) {
      const extra = RECONCILE_INCIDENTS - TICKETS;
      let t = Date.now();
      await pool(extra, 32, async i => {
        await hub.call('POST', '/v1/incidents', {
          title: `bench r${i}`,
          severity: 'SEV-4',
          integrations: [integration.name],
        });
      });
      const linked = await waitFor(
        () => sim.store.incidents.size >= RECONCILE_INCIDENTS,
        300_000,
      );
      const setupMs = Date.now() - t;
      await new Promise(r => setTimeout(r, 1000));
      t = Date.now();
      let listed = 0;
      for (let offset = 0; ; offset += 1000) {
        const res = await fetch(
          `${sim.baseUrl}/api/now/table/incident?sysparm_limit=1000&sysparm_offset=${offset}`,
          {
            headers: {
              authorization: `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString('base64')}`,
            },
          },
        );
        const page = ((await res.json()) as any).result as unknown[];
        listed += page.length;
        if (page.length < 1000) break;
      }
      const listingMs = Date.now() - t;
      t = Date.now();
      const run = await hub.call(
        'POST',
        `/v1/integrations/${integration.id}/reconcile`,
        { dry_run: true },
      );
      const reconcileMs = Date.now() - t;
      out.reconcile = {
        linked_incidents: sim.store.incidents.size,
        all_linked: linked,
        setup_ms: setupMs,
        status: run.status,
        checked:
          run.body?.checked ??
          run.body?.summary?.checked ??
          run.body?.items_checked,
        reconcile_ms: reconcileMs,
        simulator_listing_ms: listingMs,
        listed,
        ratio: +(reconcileMs / listingMs).toFixed(1),
        response_keys: Object.keys(run.body ?? {}).join(','),
      };
      log(`${database} reconcile ${JSON.stringify(out.reconcile)}`);
    }
  } catch (error) {
    // What the hub said last, to tell a hub that died from a load generator that failed.
    log(
      `${database} failed; the hub ${hub.child ? 'is still running' : `exited (${hub.exits} exits)`}; its last log lines:`,
    );
    for (const line of hub.logLines.slice(-30)) log(`  ${line}`);
    throw error;
  } finally {
    clearInterval(rss);
    client.close();
    out.peak_rss_mb = Math.round(hub.peakRss / 1048576);
    out.steal_share = machineTime.all
      ? +((100 * machineTime.steal) / machineTime.all).toFixed(1)
      : undefined;
    await hub.stop();
    await sim.stop();
    if (prefix) await dropDatabases(prefix);
  }
  return out;
}

/**
 * The memory baseline: the same backend (same config, database and bench routes) without
 * the itsm-sync plugins, taking as many calls of the bench's no-op routes as the hub's run
 * made of them, with bodies of a webhook's size. Its peak RSS is what Backstage itself
 * costs here; the hub's peak less this is what the plugins cost.
 */
async function baselinePeakRss(): Promise<number> {
  const prefix = newDatabasePrefix('baseline');
  const baseline = new HubProcess({
    port: await freePort(),
    database: { prefix },
    token: `bench-${randomBytes(12).toString('hex')}`,
    encryptionKey: randomBytes(32).toString('hex'),
    withoutItsmSync: true,
  });
  const client = new LoadClient(64);
  const rss = setInterval(() => baseline.sampleRss(), 100);
  try {
    await baseline.start();
    const body = Buffer.from(
      JSON.stringify({ sys_id: 'x'.repeat(32), work_notes: 'y'.repeat(1500) }),
    );
    const headers = { 'content-type': 'application/json' };
    await pool(WARM_UP_WEBHOOKS + INBOUND_WEBHOOKS, 32, async () => {
      await client.send(
        'POST',
        `${baseline.baseUrl}/api/bench/noop`,
        headers,
        body,
      );
    });
    await pool(WARM_UP_WEBHOOKS + BURST_CHANGES, 64, async n => {
      await client.json(
        'PATCH',
        `${baseline.baseUrl}/api/bench/authenticated-noop`,
        baseline.authHeaders(),
        { description: `noop ${n}` },
      );
    });
    baseline.sampleRss();
    return Math.round(baseline.peakRss / 1048576);
  } finally {
    clearInterval(rss);
    client.close();
    await baseline.stop();
    await dropDatabases(prefix);
  }
}

/** The profiling pass: the same phases under `node --cpu-prof`, summarised phase by phase. */
async function profilePhases() {
  const profileDir = mkdtempSync(join(tmpdir(), 'itsm-bench-prof-'));
  const run = await benchOne('postgres', profileDir);
  const files = readdirSync(profileDir).filter(f => f.endsWith('.cpuprofile'));
  // The main thread's profile (a worker thread writes its own, smaller one).
  const main = files.sort()[0];
  if (!main) return {};
  const whole = JSON.parse(readFileSync(join(profileDir, main), 'utf8'));
  const phases = run.phases as Record<
    string,
    Array<{ from: number; to: number }>
  >;
  log(
    `profile ${join(profileDir, main)}, phase windows ${JSON.stringify(phases)}`,
  );
  return Object.fromEntries(
    Object.entries(phases).map(([name, windows]) => {
      const window = profileWindow(whole, windows);
      const ms = Math.round(
        windows.reduce((sum, w) => sum + w.to - w.from, 0) / 1000,
      );
      return [
        name,
        {
          ms,
          origins: summariseByOrigin(window, 12),
          hot: summariseCpuProfile(window, 12),
        },
      ];
    }),
  );
}

export async function main() {
  // BENCH_ONLY=postgres|sqlite runs one database, for a quick look; RESULTS.md is written by full runs only.
  // BENCH_ONLY=profile runs the profiling pass alone and prints it; BENCH_ONLY=inbound the
  // Postgres inbound phase alone; BENCH_ONLY=burst the Postgres burst and its no-op ceiling alone;
  // BENCH_ONLY=memory the memory baseline (the backend without the itsm-sync plugins) alone.
  const only = process.env.BENCH_ONLY;
  if (only === 'postgres' || only === 'sqlite') {
    log(JSON.stringify(await benchOne(only), null, 2));
    return;
  }
  if (only === 'inbound') {
    log(
      JSON.stringify(
        await benchOne('postgres', undefined, { inboundOnly: true }),
      ),
    );
    return;
  }
  if (only === 'burst') {
    log(
      JSON.stringify(
        await benchOne('postgres', undefined, { burstOnly: true }),
      ),
    );
    return;
  }
  if (only === 'memory') {
    log(`baseline peak RSS ${await baselinePeakRss()} MB`);
    return;
  }
  if (only === 'profile') {
    log(JSON.stringify(await profilePhases(), null, 2));
    return;
  }
  const postgres = await benchOne('postgres');
  postgres.baseline_peak_rss_mb = await baselinePeakRss();
  log(`baseline peak RSS ${postgres.baseline_peak_rss_mb} MB`);
  const sqlite = await benchOne('sqlite');
  // The profile comes from a separate Postgres pass (no reconcile), so the profiler's own
  // overhead is in none of the reported figures.
  log('profiling pass (figures not reported)');
  const profile = await profilePhases();
  const results = {
    date: new Date().toISOString(),
    machine: machine(),
    postgres,
    sqlite,
    profile,
  };
  writeFileSync(
    join(__dirname, 'results.json'),
    JSON.stringify(results, null, 2),
  );
  writeFileSync(join(__dirname, 'RESULTS.md'), resultsMarkdown(results));
  log(`written test/bench/RESULTS.md and results.json`);
  log(JSON.stringify(results, null, 2));
}

function machine() {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
