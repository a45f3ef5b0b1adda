/**
 * Spaces calls to one vendor so that at most `perMinute` start in any minute on this
 * replica (docs/sync-semantics.md#rate-limits). Returns when the next call may start and the new
 * state; pure, so the dispatcher owns the clock.
 */
export function nextSlot(
  lastSlot: number | undefined,
  now: number,
  perMinute: number | null,
): number {
  if (!perMinute || perMinute <= 0) return now;
  const spacing = 60_000 / perMinute;
  if (lastSlot === undefined) return now;
  return Math.max(now, lastSlot + spacing);
}
