import { mockServices } from '@backstage/backend-test-utils';
import { Dispatcher, type DispatchWorker } from './Dispatcher';

/** A worker whose deliveries finish when the test says: records every claim's limit. */
class FakeWorker implements DispatchWorker {
  readonly owner = 'dispatcher-test';
  readonly limits: number[] = [];
  private readonly finishers: Array<() => void> = [];
  /** Rows each claim finds, at most its limit; none once used up. */
  constructor(private due: number) {}

  async claimAndDeliver(limit: number) {
    this.limits.push(limit);
    const count = Math.min(limit, this.due);
    this.due -= count;
    const deliveries = Array.from(
      { length: count },
      () => new Promise<void>(resolve => this.finishers.push(resolve)),
    );
    return { deliveries, full: count > 0 && count === limit };
  }

  async heartbeat(): Promise<void> {}

  /** When a rate-limited integration's next slot comes, as the worker would say. */
  nextSlotInMs: number | undefined;

  msUntilNextSlot(): number | undefined {
    return this.nextSlotInMs;
  }

  /** Finishes the oldest delivery in flight. */
  finishOne() {
    this.finishers.shift()?.();
  }

  queue(rows: number) {
    this.due += rows;
  }
}

async function eventually(check: () => boolean) {
  const until = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met within 5 s');
    await new Promise(resolve => setTimeout(resolve, 2));
  }
}

function dispatcherOver(worker: FakeWorker, concurrency = 4) {
  // A long poll interval: anything sooner than a minute comes from a wake-up or a finished delivery.
  return new Dispatcher({
    worker,
    logger: mockServices.logger.mock(),
    concurrency,
    leaseMs: 60_000,
    pollIntervalMs: 60_000,
  });
}

describe('Dispatcher loop', () => {
  it('claims for every slot at once when started, and again only when woken', async () => {
    const worker = new FakeWorker(0);
    const dispatcher = dispatcherOver(worker);
    dispatcher.start();
    await eventually(() => worker.limits.length === 1);
    expect(worker.limits).toEqual([4]);
    // Nothing was due: it sleeps (for the poll interval) rather than claiming again.
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(worker.limits).toEqual([4]);

    worker.queue(1);
    dispatcher.wake();
    await eventually(() => worker.limits.length === 2);
    expect(worker.limits).toEqual([4, 4]);
    worker.finishOne();
    await dispatcher.stop();
  });

  it('asks for no more rows than it has free slots, and claims for a slot as soon as a delivery finishes', async () => {
    const worker = new FakeWorker(10);
    const dispatcher = dispatcherOver(worker, 2);
    dispatcher.start();
    await eventually(() => worker.limits.length === 1);
    expect(worker.limits).toEqual([2]);

    worker.finishOne();
    await eventually(() => worker.limits.length === 2);
    // One slot freed; the full claim before means more work, so it does not wait to gather.
    expect(worker.limits[1]).toBe(1);
    worker.finishOne();
    worker.finishOne();
    await eventually(() => worker.limits.length >= 3);
    expect(Math.max(...worker.limits)).toBe(2);
    const stopped = dispatcher.stop();
    for (let i = 0; i < 10; i++) worker.finishOne();
    await stopped;
  });

  it("looks again when a rate-limited integration's next slot comes, well before the poll interval", async () => {
    const worker = new FakeWorker(0);
    worker.nextSlotInMs = 40;
    const dispatcher = dispatcherOver(worker);
    dispatcher.start();
    await eventually(() => worker.limits.length === 1);
    const firstAt = Date.now();
    // Nothing woke it and its poll interval is a minute: only the slot brings the next claim.
    await eventually(() => worker.limits.length === 2);
    expect(Date.now() - firstAt).toBeLessThan(2000);
    worker.nextSlotInMs = undefined;
    await dispatcher.stop();
  });

  it("claims again at once after a claim that filled an integration's share, though below its limit", async () => {
    const worker = new FakeWorker(0);
    const dispatcher = dispatcherOver(worker);
    const claim = worker.claimAndDeliver.bind(worker);
    // The first claim finds nothing it may take but reports itself full (a share was filled).
    let first = true;
    worker.claimAndDeliver = async (limit: number) => {
      const claimed = await claim(limit);
      if (!first) return claimed;
      first = false;
      return { ...claimed, full: true };
    };
    dispatcher.start();
    await eventually(() => worker.limits.length === 2);
    expect(worker.limits).toEqual([4, 4]);
    await dispatcher.stop();
  });

  it('waits for the deliveries in flight when stopped', async () => {
    const worker = new FakeWorker(1);
    const dispatcher = dispatcherOver(worker);
    dispatcher.start();
    await eventually(() => worker.limits.length === 1);
    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    worker.finishOne();
    await stopping;
    expect(stopped).toBe(true);
  });
});
