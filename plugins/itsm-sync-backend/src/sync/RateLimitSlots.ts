import { nextSlot } from '../engine/rateLimit';

/** A slot left unused this long is forgotten: by then it holds nothing back. */
const FORGET_AFTER_MS = 5 * 60_000;

/**
 * The hub's own rate limit of each integration on this replica
 * (docs/sync-semantics.md#rate-limits): when its last call started and how far apart its
 * calls go. A call whose slot has not come is not made; the caller puts its row back until
 * the slot. Entries of integrations that have not called for a while are dropped, so the
 * map holds only integrations in use.
 */
export class RateLimitSlots {
  private readonly slots = new Map<
    string,
    { last: number; spacingMs: number }
  >();

  /**
   * Takes the integration's slot now if it has come: `undefined` to call now, else the
   * time the next slot comes (nothing is taken then).
   */
  take(
    integrationId: string,
    perMinute: number | null,
    now: number,
  ): number | undefined {
    if (!perMinute || perMinute <= 0) {
      this.slots.delete(integrationId);
      return undefined;
    }
    const slot = nextSlot(this.slots.get(integrationId)?.last, now, perMinute);
    if (slot > now) return slot;
    this.slots.set(integrationId, { last: now, spacingMs: 60_000 / perMinute });
    return undefined;
  }

  /** When each rate-limited integration may call next; forgets those long idle. */
  nextCallAt(now: number): Map<string, number> {
    const next = new Map<string, number>();
    for (const [integrationId, { last, spacingMs }] of this.slots) {
      if (last + spacingMs + FORGET_AFTER_MS < now)
        this.slots.delete(integrationId);
      else next.set(integrationId, last + spacingMs);
    }
    return next;
  }

  /** The earliest slot still to come, if any (when the dispatcher should look again). */
  earliestAfter(now: number): number | undefined {
    let earliest: number | undefined;
    for (const { last, spacingMs } of this.slots.values()) {
      const at = last + spacingMs;
      if (at > now && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }
}
