import { toError } from '@backstage/errors';
import { WriteBatcher, type BatchOutcome } from './WriteBatcher';

describe('WriteBatcher', () => {
  it('writes concurrent submissions together and answers each with its own outcome', async () => {
    const flushes: number[][] = [];
    const batcher = new WriteBatcher<number, number>(
      async items => {
        flushes.push(items);
        return items.map(i =>
          i === 3
            ? { ok: false, error: new Error('three is refused') }
            : { ok: true, value: i * 10 },
        );
      },
      { maxBatch: 10, maxConcurrentFlushes: 1 },
    );
    const settled = await Promise.allSettled(
      [1, 2, 3, 4].map(i => batcher.submit(i)),
    );
    expect(flushes).toEqual([[1, 2, 3, 4]]);
    expect(
      settled.map(s =>
        s.status === 'fulfilled' ? s.value : toError(s.reason).message,
      ),
    ).toEqual([10, 20, 'three is refused', 40]);
  });

  it('keeps to the batch size and the number of flushes at once, and loses nothing queued meanwhile', async () => {
    let running = 0;
    let maxRunning = 0;
    const sizes: number[] = [];
    const batcher = new WriteBatcher<number, number>(
      async items => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        sizes.push(items.length);
        await new Promise(r => setTimeout(r, 5));
        running -= 1;
        return items.map(i => ({ ok: true, value: i }) as BatchOutcome<number>);
      },
      { maxBatch: 3, maxConcurrentFlushes: 2 },
    );
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, i) => batcher.submit(i)),
    );
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(maxRunning).toBe(2);
  });

  it('flushes the items of a failed batch one by one, so only the poisonous one fails', async () => {
    const flushes: string[][] = [];
    const batcher = new WriteBatcher<string, string>(
      async items => {
        flushes.push(items);
        if (items.includes('poison')) throw new Error('constraint violated');
        return items.map(i => ({ ok: true, value: i.toUpperCase() }));
      },
      { maxBatch: 10, maxConcurrentFlushes: 1 },
    );
    const settled = await Promise.allSettled(
      ['a', 'poison', 'b'].map(i => batcher.submit(i)),
    );
    expect(
      settled.map(s =>
        s.status === 'fulfilled' ? s.value : toError(s.reason).message,
      ),
    ).toEqual(['A', 'constraint violated', 'B']);
    expect(flushes).toEqual([['a', 'poison', 'b'], ['a'], ['poison'], ['b']]);
  });

  it('lets a batch fill while another flush is busy, and starts a lone writer at once', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const firstBusy = new Promise<void>(r => (release = r));
    const batcher = new WriteBatcher<number, number>(
      async items => {
        sizes.push(items.length);
        if (sizes.length === 1) await firstBusy;
        return items.map(i => ({ ok: true, value: i }));
      },
      { maxBatch: 10, maxConcurrentFlushes: 2, gatherMs: 50 },
    );
    const lone = batcher.submit(0);
    await new Promise(r => setImmediate(r));
    expect(sizes).toEqual([1]);
    // While the first flush is busy, writers arriving over a few milliseconds share one flush.
    const later: Promise<number>[] = [];
    for (let i = 1; i <= 4; i++) {
      later.push(batcher.submit(i));
      await new Promise(r => setTimeout(r, 5));
    }
    expect(sizes).toEqual([1]);
    release();
    expect(await Promise.all([lone, ...later])).toEqual([0, 1, 2, 3, 4]);
    expect(sizes).toEqual([1, 4]);
  });
});
