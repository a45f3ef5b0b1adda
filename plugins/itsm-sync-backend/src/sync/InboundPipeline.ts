import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  WebhookParseError,
  type ConnectorContext,
  type ItsmConnector,
  type NormalizedChange,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { acceptsInbound } from '../engine/ownership';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import { inSpan, SpanKind, syncAttributes, syncInstruments } from '../telemetry/instruments';
import type { Clock } from './Clock';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { InboundApplier } from './InboundApplier';
import type { IntegrationService } from './IntegrationService';

/** Refused for authenticity; answered 401 and nothing is stored. */
export class WebhookAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface InboundResult {
  status: 'accepted' | 'ignored';
  reason?: string;
  received: number;
  duplicates: number;
  applied: number;
}

/**
 * The inbound webhook path: authenticity over the raw bytes first, then parse, then
 * each change written to the inbox under the vendor's event id (so the vendor may be
 * answered 2xx without risk of loss), then applied. A change that fails to apply stays
 * in the inbox and is retried by the sweeper.
 */
export class InboundPipeline {
  constructor(
    private readonly store: SyncStore,
    private readonly connectors: ConnectorRegistry,
    private readonly integrations: IntegrationService,
    private readonly applier: InboundApplier,
    private readonly logger: LoggerService,
    private readonly clock: Clock,
    private readonly onEnqueued: () => void,
  ) {}

  private async receiver(integrationRef: string) {
    const integration = await this.store.integrations.getByIdOrName(integrationRef);
    if (!integration) throw new NotFoundError(`No integration '${integrationRef}'`);
    const connector = this.connectors.get(integration.integration_type);
    if (!connector || !connector.capabilities.inbound) {
      throw new NotFoundError(`Integration '${integrationRef}' does not receive webhooks`);
    }
    return { integration, connector };
  }

  /**
   * Spec 002 "Verify webhook signature validation": checks a delivery exactly as a real
   * one is checked and reports what it would carry, without storing or applying anything.
   */
  async test(integrationRef: string, request: WebhookRequest): Promise<{ valid: true; changes: number }> {
    const { integration, connector } = await this.receiver(integrationRef);
    const ctx = { integration: await this.integrations.connectorIntegration(integration), logger: this.logger };
    const verification = await connector.verifyWebhook(ctx, request);
    if (!verification.ok) throw new WebhookAuthError(`Webhook signature refused: ${verification.reason}`);
    return { valid: true, changes: (await this.parse(connector, ctx, request)).length };
  }

  /**
   * Parses an authentic body. A body the connector cannot understand is the sender's
   * 400, never our 500 (a vendor retries 5xx for days); a connector that crashes rather
   * than saying so is logged as the bug it is.
   */
  private async parse(connector: ItsmConnector, ctx: ConnectorContext, request: WebhookRequest): Promise<NormalizedChange[]> {
    try {
      return await connector.parseWebhook(ctx, request);
    } catch (error) {
      if (!(error instanceof WebhookParseError)) {
        this.logger.error(`${connector.type} connector failed to parse an authentic webhook: ${(error as Error).message}`, {
          integration: ctx.integration.id,
        });
      }
      throw new InputError(`Webhook body not understood: ${(error as Error).message}`);
    }
  }

  async receive(integrationRef: string, request: WebhookRequest): Promise<InboundResult> {
    const { integration, connector } = await this.receiver(integrationRef);
    const attributes = syncAttributes({
      integrationId: integration.id,
      integrationType: integration.integration_type,
      direction: 'inbound',
      operation: 'receive',
    });
    return inSpan(`receive ${integration.integration_type}`, attributes, SpanKind.CONSUMER, undefined, async () => {
      const ctx = { integration: await this.integrations.connectorIntegration(integration), logger: this.logger };
      const verification = await connector.verifyWebhook(ctx, request);
      if (!verification.ok) {
        syncInstruments.inbound.add(1, { ...attributes, outcome: 'rejected' });
        this.logger.warn('Webhook refused', { integration: integration.id, reason: verification.reason });
        throw new WebhookAuthError(`Webhook signature refused: ${verification.reason}`);
      }
      const changes = await this.parse(connector, ctx, request);
      if (!integration.enabled || !acceptsInbound(integration.sync_direction)) {
        const reason = !integration.enabled ? 'integration is disabled' : 'integration syncs outbound only';
        return { status: 'ignored', reason, received: changes.length, duplicates: 0, applied: 0 };
      }
      let duplicates = 0;
      const accepted: NormalizedChange[] = [];
      for (const change of changes) {
        if (await this.store.deliveries.accept(integration.id, change, this.clock.now())) accepted.push(change);
        else duplicates += 1;
      }
      if (duplicates) syncInstruments.inbound.add(duplicates, { ...attributes, outcome: 'duplicate' });
      let applied = 0;
      for (const change of accepted) {
        if ((await this.process(integration, change)) === 'applied') applied += 1;
      }
      return { status: 'accepted', received: changes.length, duplicates, applied };
    });
  }

  /** Applies one accepted change and settles its inbox row; failures stay for the sweeper. */
  async process(integration: IntegrationRecord, change: NormalizedChange): Promise<'applied' | 'ignored' | 'failed'> {
    const connector = this.connectors.get(integration.integration_type)!;
    const attributes = syncAttributes({
      integrationId: integration.id,
      integrationType: integration.integration_type,
      direction: 'inbound',
      externalId: change.externalId,
      operation: 'process',
    });
    try {
      const outcome = await inSpan(`process ${integration.integration_type}`, attributes, SpanKind.CONSUMER, undefined, () =>
        this.applier.apply(integration, connector, change),
      );
      await this.store.deliveries.finish(integration.id, change.eventId, outcome, this.clock.now());
      if (outcome === 'applied') await this.store.metrics.increment(integration.id, 'inbound_success');
      syncInstruments.inbound.add(1, { ...attributes, outcome });
      this.onEnqueued();
      return outcome;
    } catch (error) {
      this.logger.error('Applying an inbound change failed; it stays in the inbox for retry', {
        integration: integration.id,
        event: change.eventId,
        error: (error as Error).message,
      });
      await this.store.deliveries.recordAttempt(integration.id, change.eventId, (error as Error).message);
      await this.store.metrics.increment(integration.id, 'inbound_failed');
      syncInstruments.inbound.add(1, { ...attributes, outcome: 'failed' });
      return 'failed';
    }
  }

  /** Re-processes inbox rows left unsettled (a crash, a database hiccup). */
  async sweep(owner: string, olderThanMs = 30_000): Promise<number> {
    const now = this.clock.now();
    const stale = await this.store.deliveries.claimStale(owner, now - olderThanMs, 100, 60_000, now);
    for (const delivery of stale) {
      const integration = await this.store.integrations.get(delivery.integration_id);
      if (integration) await this.process(integration, delivery.change);
    }
    return stale.length;
  }
}
