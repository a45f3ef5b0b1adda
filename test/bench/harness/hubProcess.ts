import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testOutboundConfig } from '../../../plugins/itsm-sync-node/src/testUtils/loopbackOutbound';
import { CLOCK_TICKS_PER_SECOND } from './machineCpu';

const ENTRY = resolve(__dirname, 'hubBackend.js');

/** Hubs still running; killed when this process exits, so a failed run leaves no orphan behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface HubProcessOptions {
  port: number;
  /** Postgres database prefix (see database.ts), or 'sqlite' for an in-memory SQLite database. */
  database: { prefix: string } | 'sqlite';
  token: string;
  encryptionKey: string;
  /** Extra `itsmSync.*` settings. */
  itsmSync?: Record<string, unknown>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** The same backend without the itsm-sync plugins: the bench routes alone (a memory baseline). */
  withoutItsmSync?: boolean;
  cwd?: string;
}

/**
 * One hub backend as a child process on loopback. Its stdout and stderr are captured
 * line by line (tests search them for secrets), it can be killed with SIGKILL, and it
 * can be started again on the same port and database.
 */
export class HubProcess {
  child?: ChildProcess;
  readonly logLines: string[] = [];
  private readonly configFile: string;
  readonly baseUrl: string;
  /** Peak resident set size seen by `sampleRss`, bytes. */
  peakRss = 0;
  exits = 0;

  constructor(readonly options: HubProcessOptions) {
    this.baseUrl = `http://127.0.0.1:${options.port}`;
    const dir = mkdtempSync(join(tmpdir(), 'itsm-hub-'));
    this.configFile = join(dir, 'app-config.json');
    writeFileSync(this.configFile, JSON.stringify(this.config(), null, 2), {
      mode: 0o600,
    });
  }

  get api(): string {
    return `${this.baseUrl}/api/itsm-sync`;
  }

  private config() {
    const o = this.options;
    const database =
      o.database === 'sqlite'
        ? { client: 'better-sqlite3', connection: ':memory:' }
        : {
            client: 'pg',
            prefix: o.database.prefix,
            connection: {
              host: '127.0.0.1',
              port: 5432,
              user: 'postgres',
              password: '',
            },
            knexConfig: {
              pool: { min: 0, max: 10, acquireTimeoutMillis: 10_000 },
            },
          };
    return {
      backend: {
        baseUrl: this.baseUrl,
        listen: { host: '127.0.0.1', port: o.port },
        database,
        auth: {
          externalAccess: [
            { type: 'static', options: { token: o.token, subject: 'im-cli' } },
          ],
        },
      },
      permission: { enabled: false },
      itsmSync: {
        encryption: { key: o.encryptionKey },
        dispatcher: { pollIntervalMs: 100, leaseSeconds: 5, concurrency: 16 },
        // The simulators run on 127.0.0.1, which the outbound policy refuses unless allowed.
        outbound: testOutboundConfig,
        // The bench measures how many webhooks the hub itself can take from one source: no rate limit.
        webhooks: { rateLimit: { requestsPerSecond: 1e9, burst: 1e9 } },
        ...(o.itsmSync ?? {}),
      },
    };
  }

  /** Starts the process and waits until the itsm-sync API answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('already running');
    const child = spawn(
      process.execPath,
      [
        ...(this.options.nodeArgs ?? []),
        ENTRY,
        '--config',
        this.configFile,
        ...(this.options.withoutItsmSync ? ['--without-itsm-sync'] : []),
      ],
      {
        cwd: this.options.cwd ?? resolve(__dirname, '../../..'),
        env: {
          ...process.env,
          NODE_ENV: 'development',
          LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? 'info',
          FORCE_COLOR: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    live.add(child);
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) this.logLines.push(line);
      if (this.logLines.length > 50_000) this.logLines.splice(0, 10_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', () => {
      live.delete(child);
      this.exits += 1;
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.child)
        throw new Error(
          `hub on port ${this.options.port} exited at start-up:\n${this.logLines.slice(-30).join('\n')}`,
        );
      try {
        const res = await fetch(
          this.options.withoutItsmSync
            ? `${this.baseUrl}/api/bench/loop-delay`
            : `${this.api}/v1/connectors`,
          { headers: this.authHeaders(), signal: AbortSignal.timeout(2000) },
        );
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(
          `hub on port ${this.options.port} not ready in ${timeoutMs} ms:\n${this.logLines.slice(-30).join('\n')}`,
        );
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }

  authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}` };
  }

  /** kill -9: no shutdown hooks, no flushing. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** A graceful stop (SIGTERM), falling back to SIGKILL. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM', 15_000);
  }

  private async signal(signal: NodeJS.Signals, graceMs = 10_000) {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>(r => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Reads the child's resident set size from /proc and keeps the peak. */
  sampleRss(): number {
    const pid = this.child?.pid;
    if (!pid) return 0;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.peakRss = Math.max(this.peakRss, kb * 1024);
      return kb * 1024;
    } catch {
      return 0;
    }
  }

  /**
   * CPU time the hub process has used so far, ms, from /proc: a cost per operation that,
   * unlike throughput, other work on the machine barely moves. Split into user
   * (JavaScript, GC, the addons) and system (the kernel: socket reads and writes, timers):
   * a wall-clock profile cannot tell a costly system call from one the hub was merely
   * preempted in; this can.
   */
  cpuSplitMs(): { user: number; system: number } {
    const pid = this.child?.pid;
    if (!pid) return { user: 0, system: 0 };
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      user: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND,
      system: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND,
    };
  }

  /**
   * The hub's main thread (the one that runs JavaScript), from the scheduler's own
   * accounting (/proc/<pid>/task/<pid>/schedstat), ms: time it ran on a core, and time it
   * was ready to run but waited for one. Over a phase's wall time the two tell a hub
   * short of CPU (waiting for a core while Postgres, the simulator and the load generator
   * run) from one idle on I/O (neither).
   */
  mainThreadSchedMs(): { ran: number; waited: number } {
    const pid = this.child?.pid;
    if (!pid) return { ran: 0, waited: 0 };
    const [ranNs, waitedNs] = readFileSync(
      `/proc/${pid}/task/${pid}/schedstat`,
      'utf8',
    )
      .trim()
      .split(' ')
      .map(Number);
    return { ran: ranNs / 1e6, waited: waitedNs / 1e6 };
  }

  /** A JSON call to the itsm-sync API with the static token. */
  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers: {
        ...this.authHeaders(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed };
  }
}
