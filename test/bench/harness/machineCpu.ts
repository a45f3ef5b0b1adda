import { readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc/stat and /proc/<pid>/stat times: 100 on Linux. */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time all processes on the machine have used so far (every field of /proc/stat's
 * `cpu` line but idle and iowait), ms. With the hub's own CPU time it tells what the
 * rest of a phase cost: Postgres, the simulator and the load generator.
 */
export function machineBusyCpuMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Now on the monotonic clock V8's profiler stamps samples with (CLOCK_MONOTONIC), µs. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
