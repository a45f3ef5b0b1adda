import { toError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { decideClaim } from '../engine/claimPacing';
import type { OutboxWorker } from './OutboxWorker';

/** How the dispatcher runs (`itsmSync.dispatcher.*`, `itsmSync.retry.*`). */
export interface DispatcherSettings {
  /** Deliveries in flight at once (different tickets). */
  concurrency: number;
  /** A claim is a lease this long; the rows of a worker that died are taken over after it. */
  leaseMs: number;
  /** Sleep between polls when nothing woke the dispatcher. */
  pollIntervalMs: number;
  /** Delays of the retry schedule, seconds (docs/sync-semantics.md#retry-schedule). */
  retryDelaysSeconds: number[];
  /** Queued updates of one ticket merged into one vendor call, at most. */
  coalesceLimit: number;
  /**
   * Deliveries of one integration in flight at once, at most, so a slow vendor holds only
   * its share of the slots; unset, half of `concurrency` (at least one).
   */
  perIntegrationConcurrency?: number;
}

/** What the dispatcher needs of its worker (tests give it a fake one). */
export type DispatchWorker = Pick<
  OutboxWorker,
  'owner' | 'claimAndDeliver' | 'heartbeat' | 'msUntilNextSlot'
> &
  Partial<Pick<OutboxWorker, 'inFlightAtShare'>>;

export interface DispatcherOptions {
  /** Claims and delivers; the dispatcher decides when. */
  worker: DispatchWorker;
  logger: LoggerService;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
}

/**
 * Keeps the outbox moving: claims due rows through its worker whenever slots are free
 * (one row per ticket at a time, different tickets in parallel), and keeps the leases of
 * the rows in flight alive with a heartbeat.
 */
export class Dispatcher {
  private readonly worker: DispatchWorker;
  private readonly logger: LoggerService;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(options: DispatcherOptions) {
    this.worker = options.worker;
    this.logger = options.logger;
    this.concurrency = options.concurrency;
    this.leaseMs = options.leaseMs;
    this.pollIntervalMs = options.pollIntervalMs;
  }

  /** The lease owner of this replica's claims. */
  get owner(): string {
    return this.worker.owner;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.heartbeatTimer = setInterval(
      () => {
        this.worker
          .heartbeat()
          .catch(e => this.logger.warn(`Outbox heartbeat failed: ${e}`));
      },
      Math.max(1000, Math.floor(this.leaseMs / 3)),
    );
    this.heartbeatTimer.unref?.();
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    clearInterval(this.heartbeatTimer);
    this.wake();
    await this.loop;
  }

  /** Delivers without waiting for the next poll (after a commit that enqueued rows). */
  wake() {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Keeps up to `concurrency` deliveries in flight: as soon as one finishes, its slot is
   * refilled by a new claim, so one slow vendor call never holds back a whole batch, and
   * no integration holds more than its share of them (the worker's claim sees to it).
   * Order per ticket still holds because a claim never takes a row queued behind a row
   * that is in flight (still pending, under lease).
   */
  private async run() {
    const running = new Set<Promise<void>>();
    let lastClaimAt = 0;
    let lastClaimFull = false;
    let newWorkClaimFoundNothing = false;
    while (this.running) {
      const decision = decideClaim({
        concurrency: this.concurrency,
        inFlight: running.size,
        inFlightAtShare: this.worker.inFlightAtShare?.() ?? 0,
        woken: this.woken,
        newWorkClaimFoundNothing,
        sinceLastClaimMs: Date.now() - lastClaimAt,
        lastClaimFull,
        pollIntervalMs: this.pollIntervalMs,
      });
      if ('sleepMs' in decision) {
        await this.sleep(decision.sleepMs);
        continue;
      }
      this.woken = false;
      lastClaimAt = Date.now();
      lastClaimFull = false;
      try {
        const { deliveries, full } = await this.worker.claimAndDeliver(
          decision.claim,
        );
        lastClaimFull = full;
        if (deliveries.length) newWorkClaimFoundNothing = false;
        else if (decision.forNewWork) newWorkClaimFoundNothing = true;
        for (const delivery of deliveries) {
          const tracked: Promise<void> = delivery.finally(() => {
            running.delete(tracked);
            // A freed slot can take the next row at once.
            this.wakeUp?.();
          });
          running.add(tracked);
        }
      } catch (error) {
        this.logger.error(`Outbox dispatch failed: ${toError(error).message}`);
      }
      // A full claim may have left more work behind; a wake-up during the claim may have brought more.
      if (lastClaimFull) continue;
      if (this.woken && running.size < this.concurrency) continue;
      await this.sleep(this.untilNextLook());
    }
    await Promise.allSettled([...running]);
  }

  /** The poll interval, or less when a rate-limited integration's next slot comes sooner. */
  private untilNextLook(): number {
    const ms = this.worker.msUntilNextSlot();
    if (ms === undefined) return this.pollIntervalMs;
    return Math.max(1, Math.min(this.pollIntervalMs, ms));
  }

  /** Sleeps until a finished delivery, a wake-up after a commit, or `ms`. */
  private async sleep(ms: number) {
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }
}
