import { pruneInBatches } from './pruneInBatches';

describe('pruneInBatches', () => {
  it('deletes batch after batch until one comes back short', async () => {
    let left = 2500;
    const batches: number[] = [];
    const total = await pruneInBatches(async batch => {
      const deleted = Math.min(batch, left);
      left -= deleted;
      batches.push(deleted);
      return deleted;
    });
    expect(total).toBe(2500);
    expect(batches).toEqual([1000, 1000, 500]);
  });

  it('stops after its last batch, leaving the rest for the next run', async () => {
    let calls = 0;
    const total = await pruneInBatches(
      async batch => {
        calls += 1;
        return batch;
      },
      { batch: 10, maxBatches: 3 },
    );
    expect({ calls, total }).toEqual({ calls: 3, total: 30 });
  });
});
