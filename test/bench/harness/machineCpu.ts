import { readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc/stat and /proc/<pid>/stat times: 100 on Linux. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** The machine's CPU time so far, from /proc/stat's `cpu` line, ms. */
export interface MachineCpu {
  /** Used by processes (user, nice, system, irq, softirq). */
  busy: number;
  /** Taken by the hypervisor while this virtual machine wanted to run. */
  steal: number;
  /** Every kind of time, idle included: busy and steal as a share of it. */
  all: number;
}

/**
 * CPU time of the whole machine so far. With the hub's own CPU time, `busy` tells what
 * the rest of a phase cost (Postgres, the simulator and the load generator); `steal` is
 * time the hypervisor gave to other guests, which no process here used, so it is not
 * counted as anyone's cost but reported: it is why one machine's figures move between runs.
 */
export function machineCpuMs(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  return {
    busy: ms(user + nice + system + irq + softirq),
    steal: ms(steal),
    all: ms(user + nice + system + idle + iowait + irq + softirq + steal),
  };
}

/** Now on the monotonic clock V8's profiler stamps samples with (CLOCK_MONOTONIC), µs. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
