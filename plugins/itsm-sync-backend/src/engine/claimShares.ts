/**
 * How many rows of each integration one claim may take: the dispatcher's per-integration
 * share less what it already holds (docs/sync-semantics.md#claiming-and-delivery).
 */
export interface ClaimShares {
  /** Rows of an integration not listed in `room`, at most. */
  perIntegration: number;
  /** What is left for the listed integrations; 0 keeps an integration out of the claim. */
  room: ReadonlyMap<string, number>;
}

/** The share of a dispatcher's slots one integration holds unless configured: half, at least one. */
export function defaultPerIntegrationConcurrency(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 2));
}

/**
 * What each integration may take in the next claim: its share less its deliveries in
 * flight on this replica; and while the hub's own rate limit spaces its calls, one call
 * once its next slot has come and none before, so a rate-limit wait is a row left in the
 * outbox, never a slot held asleep. Pure.
 */
export function claimShares(state: {
  perIntegration: number;
  /** The integration of each delivery in flight. */
  inFlight: Iterable<string>;
  /** When the next call of each rate-limited integration may start, epoch ms. */
  nextCallAt: ReadonlyMap<string, number>;
  now: number;
}): ClaimShares {
  const room = new Map<string, number>();
  for (const integrationId of state.inFlight)
    room.set(
      integrationId,
      (room.get(integrationId) ?? state.perIntegration) - 1,
    );
  for (const [integrationId, at] of state.nextCallAt) {
    const left = room.get(integrationId) ?? state.perIntegration;
    room.set(integrationId, at > state.now ? 0 : Math.min(left, 1));
  }
  for (const [integrationId, left] of room)
    room.set(integrationId, Math.max(0, left));
  return { perIntegration: state.perIntegration, room };
}
