import type { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError, toError } from '@backstage/errors';
import {
  parsedWebhook,
  WebhookParseError,
  type ConnectorContext,
  type IgnoredWebhookEvent,
  type ItsmConnector,
  type NormalizedChange,
  type ParsedWebhook,
  type ReplayGuard,
  type WebhookRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import { syncAttributes, syncInstruments } from '../telemetry/instruments';
import type { CallbackTokenUse } from './CallbackTokenUse';
import { dropOwnNoteEchoes } from './ownNoteEchoes';
import { mapInboundAssignees } from './inboundAssignees';
import type { ConnectorRegistry } from './ConnectorRegistry';
import type { IntegrationService } from './IntegrationService';
import type { BatchOutcome } from './WriteBatcher';

/** An authentic, understood webhook: its integration, the changes it carries and the events it acknowledges without action. */
export interface VerifiedWebhook {
  integration: IntegrationRecord;
  connector: ItsmConnector;
  changes: NormalizedChange[];
  ignored: IgnoredWebhookEvent[];
}

/**
 * Authenticity and parsing of webhooks, for one request or many. For many, each
 * integration is looked up and its connector view (decrypted secrets, live callback
 * token hashes) built once, however many of its webhooks arrived together.
 */
export class WebhookIntake {
  constructor(
    private readonly store: SyncStore,
    private readonly connectors: ConnectorRegistry,
    private readonly integrations: IntegrationService,
    private readonly logger: LoggerService,
    private readonly tokenUse: CallbackTokenUse,
    /** One-time credentials: marked used by deliveries, only looked up by the test route. */
    private readonly replays: { delivery: ReplayGuard; test: ReplayGuard },
  ) {}

  /**
   * Verifies and parses one webhook without counting its refusal as a delivery's or
   * noting its callback token's use (the signature test route); throws AuthenticationError
   * or InputError.
   */
  async check(
    integrationRef: string,
    request: WebhookRequest,
  ): Promise<VerifiedWebhook> {
    const [outcome] = await this.verifyAll([{ integrationRef, request }], {
      delivery: false,
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * Verifies and parses many webhooks; each one's refusal is its own. For real deliveries
   * (`delivery`, the default) a refusal is counted and logged, and a callback token's use noted.
   */
  async verifyAll(
    requests: Array<{ integrationRef: string; request: WebhookRequest }>,
    options: { delivery: boolean } = { delivery: true },
  ): Promise<Array<BatchOutcome<VerifiedWebhook>>> {
    const receivers = new Map<
      string,
      Promise<{ integration: IntegrationRecord; connector: ItsmConnector }>
    >();
    const contexts = new Map<string, Promise<ConnectorContext>>();
    const once = <T>(
      cache: Map<string, Promise<T>>,
      key: string,
      make: () => Promise<T>,
    ) => {
      if (!cache.has(key)) cache.set(key, make());
      return cache.get(key)!;
    };
    const outcomes = await Promise.all(
      requests.map(async ({ integrationRef, request }) => {
        try {
          const { integration, connector } = await once(
            receivers,
            integrationRef,
            () => this.receiver(integrationRef),
          );
          const ctx = await once(contexts, integration.id, () =>
            this.integrations.connectorContext(integration, this.logger),
          );
          const replays = options.delivery
            ? this.replays.delivery
            : this.replays.test;
          const verification = await connector.verifyWebhook(
            { ...ctx, replays },
            request,
          );
          if (!verification.ok) {
            // The reason goes to the log only: the caller gets a generic refusal.
            if (options.delivery) {
              syncInstruments.inbound.add(1, {
                ...syncAttributes({
                  integrationId: integration.id,
                  integrationType: integration.integration_type,
                  direction: 'inbound',
                  operation: 'receive',
                }),
                outcome: 'rejected',
              });
              this.logger.warn('Webhook refused', {
                integration: integration.id,
                reason: verification.reason,
              });
              await this.countRefusal(integration.id, verification.reason);
            } else {
              this.logger.info('Webhook signature test refused', {
                integration: integration.id,
                reason: verification.reason,
              });
            }
            throw new AuthenticationError(
              `Webhook signature refused: ${verification.reason}`,
            );
          }
          if (options.delivery && verification.callbackTokenHash)
            await this.tokenUse.note(
              integration.id,
              verification.callbackTokenHash,
            );
          const { changes, ignored } = await this.parse(
            connector,
            ctx,
            request,
          );
          return {
            ok: true as const,
            value: { integration, connector, changes, ignored },
          };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
    return this.withoutOwnNotes(outcomes);
  }

  /**
   * The batch's webhooks without the echoes of notes the hub posted and with vendor
   * assignees as platform people, each read once for all.
   */
  private async withoutOwnNotes(
    outcomes: Array<BatchOutcome<VerifiedWebhook>>,
  ): Promise<Array<BatchOutcome<VerifiedWebhook>>> {
    const verified = outcomes.flatMap(o => (o.ok ? [o.value] : []));
    const withoutEchoes = await dropOwnNoteEchoes(
      this.store,
      verified.map(v => ({ integrationId: v.integration.id, parsed: v })),
    );
    const parsed = await mapInboundAssignees(
      this.store,
      verified.map((v, i) => ({
        integrationId: v.integration.id,
        parsed: withoutEchoes[i],
      })),
    );
    const filtered = new Map(verified.map((v, i) => [v, parsed[i]]));
    return outcomes.map(o => {
      if (!o.ok) return o;
      const { changes, ignored } = filtered.get(o.value)!;
      return { ok: true as const, value: { ...o.value, changes, ignored } };
    });
  }

  /**
   * Counts a refused delivery before it is answered, so sync-status shows it at once
   * (docs/sync-semantics.md#refused-webhooks); a failure to count never changes the answer.
   */
  private async countRefusal(integrationId: string, reason: string) {
    try {
      await this.store.refusals.record(integrationId, reason, Date.now());
    } catch (error) {
      this.logger.error(
        `Could not count a refused webhook: ${toError(error).message}`,
        { integration: integrationId },
      );
    }
  }

  private async receiver(integrationRef: string) {
    // Webhooks are addressed by integration id only (a name is guessable), from the
    // short-lived snapshots, as the apply reads it. An unknown id is refused like a bad
    // signature, so the route does not tell which ids exist.
    const integration = (
      await this.store.integrations.getManyWithRules([integrationRef])
    )[0]?.integration;
    if (!integration)
      throw new AuthenticationError(
        `no integration with id '${integrationRef.slice(0, 80)}'`,
      );
    const connector = this.connectors.get(integration.integration_type);
    if (!connector) {
      throw new AuthenticationError(
        `integration '${integration.id}' does not receive webhooks`,
      );
    }
    return { integration, connector };
  }

  /**
   * Parses an authentic body. A body the connector cannot understand is the sender's
   * 400, never our 500 (a vendor retries 5xx for days); a connector that crashes rather
   * than saying so is logged as the bug it is.
   */
  private async parse(
    connector: ItsmConnector,
    ctx: ConnectorContext,
    request: WebhookRequest,
  ): Promise<ParsedWebhook> {
    try {
      return parsedWebhook(await connector.parseWebhook(ctx, request));
    } catch (error) {
      if (!(error instanceof WebhookParseError)) {
        this.logger.error(
          `${connector.type} connector failed to parse an authentic webhook: ${toError(error).message}`,
          {
            integration: ctx.integration.id,
          },
        );
      }
      throw new InputError(
        `Webhook body not understood: ${toError(error).message}`,
      );
    }
  }
}
