import { randomBytes } from 'node:crypto';
import { ConflictError } from '@backstage/errors';
import { hashCallbackToken } from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { CallbackTokenRecord } from '../store/CallbackTokenRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { Clock } from './Clock';

/** Prefix of every callback token, so a leaked one is recognisable in a secret scan. */
const CALLBACK_TOKEN_PREFIX = 'itsmcb_';
/** Live tokens per integration: enough to rotate, few enough to compare on every callback. */
const MAX_LIVE_CALLBACK_TOKENS = 10;

/**
 * Issues, lists and revokes callback tokens (docs/connectors/webhook.md#callback-tokens). The token is returned once and
 * only its SHA-256 is kept; `IntegrationService.connectorIntegration` reads the live
 * hashes for every call, so a revoked token is refused at once.
 */
export class CallbackTokenService {
  constructor(
    private readonly store: SyncStore,
    private readonly clock: Clock,
  ) {}

  async issue(
    integration: IntegrationRecord,
    input: { name: string; description: string; createdBy: string },
  ): Promise<{ record: CallbackTokenRecord; token: string }> {
    const token = `${CALLBACK_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record = await this.store.transaction(async store => {
      await store.callbackTokens.lockIntegration(integration.id);
      if (
        (await store.callbackTokens.countLive(integration.id)) >=
        MAX_LIVE_CALLBACK_TOKENS
      ) {
        throw new ConflictError(
          `Integration '${integration.name}' already has ${MAX_LIVE_CALLBACK_TOKENS} live callback tokens; revoke one first`,
        );
      }
      const created = await store.callbackTokens.create(
        {
          integrationId: integration.id,
          ...input,
          tokenHash: hashCallbackToken(token),
        },
        this.clock.now(),
      );
      return created;
    });
    return { record, token };
  }

  list(integration: IntegrationRecord): Promise<CallbackTokenRecord[]> {
    return this.store.callbackTokens.list(integration.id);
  }

  /** False when the integration has no such live token. */
  async revoke(
    integration: IntegrationRecord,
    tokenId: string,
  ): Promise<boolean> {
    return this.store.transaction(async store => {
      await store.callbackTokens.lockIntegration(integration.id);
      const revoked = await store.callbackTokens.revoke(
        integration.id,
        tokenId,
        this.clock.now(),
      );
      return revoked;
    });
  }
}
