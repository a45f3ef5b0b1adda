import type { SyncStatusResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { isoOrNull } from '../store/rows';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';

/** Refused webhooks of the last this long degrade health (docs/sync-semantics.md#refused-webhooks). */
const REFUSALS_WINDOW_MS = 3_600_000;

/** Health and the sync metrics (docs/sync-semantics.md#metrics-and-health) of one integration. */
export class SyncStatusService {
  constructor(
    private readonly store: SyncStore,
    private readonly clock: Clock,
  ) {}

  async status(integration: IntegrationRecord): Promise<SyncStatusResponse> {
    const now = this.clock.now();
    const [metrics, pending, dlqSize, conflicts, links, ignored, refused] =
      await Promise.all([
        this.store.metrics.read(integration.id),
        this.store.outbox.pendingCount(integration.id),
        this.store.dlq.size(integration.id),
        this.store.conflicts.pendingCount(integration.id),
        this.store.links.count(integration.id),
        this.store.ignoredEvents.list(integration.id),
        this.store.refusals.since(integration.id, now - REFUSALS_WINDOW_MS),
      ]);
    const lastOut = await this.store.outbox.lastDeliveredAt(integration.id);
    const lastIn = await this.store.deliveries.lastProcessedAt(integration.id);
    const failing = await this.store.outbox.latestFailing(integration.id);
    const rateLimitedUntil =
      integration.not_before && integration.not_before > now
        ? integration.not_before
        : null;
    let health: SyncStatusResponse['health'] = 'healthy';
    if (!integration.enabled) health = 'disabled';
    else if (failing && failing.attempts >= 3) health = 'failing';
    else if (
      failing ||
      dlqSize > 0 ||
      conflicts > 0 ||
      rateLimitedUntil ||
      refused.length
    )
      health = 'degraded';
    return {
      integration_id: integration.id,
      name: integration.name,
      enabled: integration.enabled,
      health,
      metrics,
      outbox_pending: pending,
      dlq_size: dlqSize,
      pending_conflicts: conflicts,
      links,
      last_outbound_at: isoOrNull(lastOut),
      last_inbound_at: isoOrNull(lastIn),
      last_error: failing?.last_error ?? null,
      rate_limited_until: isoOrNull(rateLimitedUntil),
      webhooks_refused: refused.map(r => ({
        reason: r.reason,
        count_last_hour: r.count,
        last_at: new Date(r.last_at).toISOString(),
      })),
      ignored_events: ignored.map(e => ({
        event_type: e.event_type,
        reason: e.reason,
        count: e.count,
        first_seen_at: new Date(e.first_seen_at).toISOString(),
        last_seen_at: new Date(e.last_seen_at).toISOString(),
        last_event_id: e.last_event_id,
        last_external_id: e.last_external_id,
      })),
    };
  }
}
