import type { LoggerService } from '@backstage/backend-plugin-api';
import type { IgnoredWebhookEvent } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import { syncAttributes, syncInstruments } from '../telemetry/instruments';
import type { Clock } from './Clock';

/**
 * Keeps what vendors sent that the hub acknowledged without acting on: counted per
 * integration, event type and reason in the store (sync-status shows them), logged at
 * debug, and counted as `ignored` inbound operations. See docs/DESIGN.md "Inbound pipeline".
 */
export class IgnoredEventLog {
  constructor(
    private readonly store: SyncStore,
    private readonly logger: LoggerService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the ignored events of a batch's webhooks, one write per integration.
   * Answers the ids of integrations whose record failed, with the error: their webhooks
   * are answered 5xx so the vendor redelivers rather than the event passing unseen.
   */
  async record(
    webhooks: Array<{
      integration: IntegrationRecord;
      ignored: IgnoredWebhookEvent[];
    }>,
  ): Promise<Map<string, unknown>> {
    const byIntegration = new Map<
      string,
      { integration: IntegrationRecord; events: IgnoredWebhookEvent[] }
    >();
    for (const { integration, ignored } of webhooks) {
      if (!ignored.length) continue;
      const entry = byIntegration.get(integration.id) ?? {
        integration,
        events: [],
      };
      entry.events.push(...ignored);
      byIntegration.set(integration.id, entry);
    }
    const failures = new Map<string, unknown>();
    const now = this.clock.now();
    await Promise.all(
      [...byIntegration.values()].map(async ({ integration, events }) => {
        try {
          await this.store.ignoredEvents.record(integration.id, events, now);
        } catch (error) {
          failures.set(integration.id, error);
          return;
        }
        for (const event of events) {
          this.logger.debug('Webhook event acknowledged without action', {
            integration: integration.id,
            event_type: event.eventType,
            reason: event.reason,
            ...(event.eventId ? { event_id: event.eventId } : {}),
            ...(event.externalId ? { external_id: event.externalId } : {}),
          });
          syncInstruments.inbound.add(1, {
            ...syncAttributes({
              integrationId: integration.id,
              integrationType: integration.integration_type,
              direction: 'inbound',
              operation: 'receive',
            }),
            outcome: 'ignored',
            'itsm_sync.event_type': event.eventType,
          });
        }
      }),
    );
    return failures;
  }
}
