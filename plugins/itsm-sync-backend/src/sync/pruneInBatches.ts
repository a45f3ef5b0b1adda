/**
 * Runs a batched delete until a batch comes back short, at most `maxBatches` times, so
 * one housekeeping run catches up with a busy day without one huge statement. Returns the
 * rows deleted.
 */
export async function pruneInBatches(
  prune: (batch: number) => Promise<number>,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 1000;
  const maxBatches = options.maxBatches ?? 1000;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const deleted = await prune(batch);
    total += deleted;
    if (deleted < batch) break;
  }
  return total;
}
