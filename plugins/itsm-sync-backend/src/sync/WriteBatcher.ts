/** One item's outcome in a batch: its value, or the error that belongs to it alone. */
export type BatchOutcome<O> =
  { ok: true; value: O } | { ok: false; error: unknown };

export interface WriteBatcherOptions {
  /** Items written together in one flush, at most. */
  maxBatch: number;
  /** Flushes running at once: one can gather while another waits on the database. */
  maxConcurrentFlushes: number;
  /**
   * While another flush is running, a new one waits up to this long for its batch to
   * fill (fewer statements per item under load). With no flush running it starts at
   * once, so a quiet hub adds no latency. Default 0.
   */
  gatherMs?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Writers that arrive while earlier flushes are busy wait for a free
 * flush and then go to the database together, in one transaction with set-based
 * statements, instead of one small transaction each. A lone writer is flushed at once
 * (after the current I/O phase), so there is no added latency when the hub is quiet.
 *
 * A flush reports each item's own outcome; when a flush fails as a whole, its items
 * are flushed again one by one, so one poisonous item never fails its neighbours.
 */
export class WriteBatcher<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private flushing = 0;
  private scheduled = false;
  private gatherTimer?: NodeJS.Timeout;

  constructor(
    private readonly flush: (items: I[]) => Promise<BatchOutcome<O>[]>,
    private readonly options: WriteBatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (
      this.scheduled ||
      !this.queue.length ||
      this.flushing >= this.options.maxConcurrentFlushes
    )
      return;
    this.scheduled = true;
    // setImmediate runs after the current poll phase: requests that arrived together are
    // gathered into one flush.
    setImmediate(() => {
      this.scheduled = false;
      this.startFlush();
    });
  }

  private startFlush() {
    if (
      !this.queue.length ||
      this.flushing >= this.options.maxConcurrentFlushes
    )
      return;
    const gatherMs = this.options.gatherMs ?? 0;
    if (
      gatherMs > 0 &&
      this.flushing > 0 &&
      this.queue.length < this.options.maxBatch
    ) {
      // Another flush is busy: let this batch fill a little; the busy flush ending, or
      // the batch filling up, starts it sooner.
      this.gatherTimer ??= setTimeout(() => {
        this.gatherTimer = undefined;
        this.startNow();
      }, gatherMs);
      return;
    }
    this.startNow();
  }

  private startNow() {
    clearTimeout(this.gatherTimer);
    this.gatherTimer = undefined;
    if (
      !this.queue.length ||
      this.flushing >= this.options.maxConcurrentFlushes
    )
      return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.flushing += 1;
    this.run(batch).finally(() => {
      this.flushing -= 1;
      // Whatever gathered meanwhile goes now.
      if (this.gatherTimer) this.startNow();
      this.schedule();
    });
    // More waiting than one flush takes, and a flush slot free: start the next one too.
    this.schedule();
  }

  private async run(batch: Pending<I, O>[]) {
    let outcomes: BatchOutcome<O>[];
    try {
      outcomes = await this.flush(batch.map(p => p.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const pending of batch) await this.run([pending]);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (!outcome)
        pending.reject(
          new Error('write batch returned no outcome for an item'),
        );
      else if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
