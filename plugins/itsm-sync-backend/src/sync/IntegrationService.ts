import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  InputError,
  NotFoundError,
  toError,
} from '@backstage/errors';
import type {
  CreateIntegrationRequest,
  FieldOwnershipRule,
  SyncDirection,
  UpdateIntegrationRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  checkConnectorSettings,
  inboundCreateEnabled,
  OutboundPolicy,
  type ConnectorContext,
  type ConnectorIntegration,
  type ItsmConnector,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { SecretCipher } from '../crypto/SecretCipher';
import { noticeSettingsOf } from '../engine/noticeSettings';
import type { SyncStore } from '../store/SyncStore';
import type {
  IntegrationRecord,
  IntegrationSecrets,
  LinkRecord,
} from '../store/types';
import type { Clock } from './Clock';
import { sendsOutbound } from '../engine/ownership';
import { addedOrigins, credentialOrigins } from './credentialOrigins';
import type { ConnectorRegistry } from './ConnectorRegistry';
import { splitSealedSettings, withSealedSettings } from './sealedSettings';

type Created = Required<Omit<CreateIntegrationRequest, 'rate_limit'>> & {
  rate_limit: number | null;
};

/** Who asks for a change: `declared` when app-config's itsmSync.integrations applies it. */
interface Change {
  declared?: boolean;
}

/** Settings merge, so `--sync-escalations` does not wipe a service mapping; null removes a key. */
function mergeSettings(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

/** Integration lifecycle: validation against the connector, sealing secrets, default ownership. */
export class IntegrationService {
  private readonly store: SyncStore;
  private readonly connectors: ConnectorRegistry;
  private readonly cipher: SecretCipher;
  private readonly clock: Clock;
  /** Where vendor calls may go (`itsmSync.outbound`); every connector context carries it. */
  readonly outbound: OutboundPolicy;

  constructor(options: {
    store: SyncStore;
    connectors: ConnectorRegistry;
    cipher: SecretCipher;
    clock: Clock;
    /** The strict policy (no exceptions) unless given. */
    outbound?: OutboundPolicy;
  }) {
    this.store = options.store;
    this.connectors = options.connectors;
    this.cipher = options.cipher;
    this.clock = options.clock;
    this.outbound = options.outbound ?? OutboundPolicy.strict();
  }

  /** Connector views of settings with sealed entries, per stored settings object. */
  private readonly settingsViews = new WeakMap<
    object,
    { ciphertext: string; settings: Record<string, unknown> }
  >();

  connectorFor(type: string): ItsmConnector {
    const connector = this.connectors.get(type);
    if (!connector) {
      const installed = this.connectors.types();
      throw new InputError(
        `integration_type '${type}' has no installed connector; installed: ${installed.join(', ') || 'none'}`,
      );
    }
    return connector;
  }

  /** Every integration, by name. */
  list(): Promise<IntegrationRecord[]> {
    return this.store.integrations.list();
  }

  /** The integration's field ownership rules, by field. */
  rules(integrationId: string): Promise<FieldOwnershipRule[]> {
    return this.store.integrations.rules(integrationId);
  }

  /** The integration's links, by id, a page at a time. */
  links(
    integrationId: string,
    page: { limit: number; afterId?: string },
  ): Promise<LinkRecord[]> {
    return this.store.links.forIntegration(integrationId, page);
  }

  async resolve(idOrName: string): Promise<IntegrationRecord> {
    const integration = await this.store.integrations.getByIdOrName(idOrName);
    if (!integration)
      throw new NotFoundError(`No integration with id or name '${idOrName}'`);
    return integration;
  }

  private checkCredentials(
    connector: ItsmConnector,
    credentials: Record<string, string>,
  ) {
    const options = connector.credentialKeys;
    if (!options.length || options.some(keys => keys.length === 0)) return;
    const given = new Set(Object.keys(credentials));
    if (options.some(keys => keys.every(k => given.has(k)))) return;
    const described = options.map(keys => keys.join(' and ')).join(', or ');
    throw new InputError(
      `credentials for ${connector.type} must contain ${described}`,
    );
  }

  /**
   * The connector's own checks first (their messages are the most specific), then its
   * declared schema, and what writes need when the integration sends to the vendor.
   */
  private checkSettings(
    connector: ItsmConnector,
    settings: Record<string, unknown>,
    direction: SyncDirection,
  ) {
    try {
      // Settings every connector shares, whatever its own checks.
      inboundCreateEnabled(settings);
      noticeSettingsOf(settings);
      connector.validateSettings?.(settings);
    } catch (e) {
      throw new InputError(`settings: ${toError(e).message}`);
    }
    if (!connector.settingsSchema) return;
    try {
      checkConnectorSettings(
        connector.settingsSchema,
        settings,
        sendsOutbound(direction),
      );
    } catch (e) {
      throw new InputError(toError(e).message);
    }
  }

  /** One integration per organization for connectors that say so (the templated webhook). */
  private async checkOnePerOrganization(
    connector: ItsmConnector,
    organizationId: string,
    exceptId?: string,
  ) {
    if (!connector.capabilities.onePerOrganization) return;
    const existing = await this.store.integrations.nameOfTypeInOrganization(
      connector.type,
      organizationId,
      exceptId,
    );
    if (existing !== undefined) {
      throw new ConflictError(
        `Only one ${connector.type} integration is allowed per organization: '${organizationId}' already has '${existing}'; edit it instead of creating another`,
      );
    }
  }

  /** Refuses a change through the API to an integration declared in app-config. */
  private checkNotDeclared(integration: IntegrationRecord, change?: Change) {
    if (integration.managed_by === 'config' && !change?.declared) {
      throw new ConflictError(
        `Integration '${integration.name}' is managed by configuration (itsmSync.integrations in app-config); change it there`,
      );
    }
  }

  async create(body: Created, change: Change = {}): Promise<IntegrationRecord> {
    const connector = this.connectorFor(body.integration_type);
    this.checkCredentials(connector, body.credentials);
    this.checkSettings(connector, body.settings, body.sync_direction);
    if (await this.store.integrations.nameTaken(body.name)) {
      throw new ConflictError(
        `An integration named '${body.name}' already exists`,
      );
    }
    await this.checkOnePerOrganization(connector, body.organization_id);
    const id = randomUUID();
    const { clear, sealed } = splitSealedSettings(
      body.settings,
      connector.sealedSettings,
    );
    const secrets: IntegrationSecrets = {
      credentials: body.credentials,
      webhook_secrets: body.webhook_secrets,
      ...(Object.keys(sealed).length ? { settings: sealed } : {}),
    };
    return this.store.integrations.create(
      {
        id,
        name: body.name,
        organization_id: body.organization_id,
        integration_type: body.integration_type,
        base_url: body.base_url.replace(/\/+$/, ''),
        sync_direction: body.sync_direction,
        enabled: body.enabled,
        conflict_strategy: body.conflict_strategy,
        conflict_window_seconds: body.conflict_window_seconds,
        rate_limit: body.rate_limit,
        backoff_multiplier: body.backoff_multiplier,
        settings: clear,
        secrets_ciphertext: this.cipher.seal(secrets, id),
        credential_keys: Object.keys(body.credentials).sort(),
        webhook_secret_count: body.webhook_secrets.length,
        managed_by: change.declared ? 'config' : null,
      },
      connector.defaultFieldOwnership,
      this.clock.now(),
    );
  }

  /**
   * The origins an update would newly send the stored credentials to (a changed
   * base_url or absolute URL setting), which the route audits at high severity.
   */
  newCredentialOrigins(
    current: IntegrationRecord,
    body: UpdateIntegrationRequest,
  ): string[] {
    const settings =
      body.settings === undefined
        ? current.settings
        : mergeSettings(current.settings, body.settings);
    return addedOrigins(
      credentialOrigins(current.base_url, current.settings),
      credentialOrigins(body.base_url ?? current.base_url, settings),
    );
  }

  async update(
    idOrName: string,
    body: UpdateIntegrationRequest,
    change: Change = {},
  ): Promise<IntegrationRecord> {
    const current = await this.resolve(idOrName);
    this.checkNotDeclared(current, change);
    const moved = this.newCredentialOrigins(current, body);
    if (moved.length && body.credentials === undefined) {
      throw new InputError(
        `credentials follow their host: this change would send the stored credentials to ${moved.join(', ')}; supply credentials again in the same request`,
      );
    }
    const connector = this.connectorFor(current.integration_type);
    const direction = body.sync_direction ?? current.sync_direction;
    const changes: Partial<IntegrationRecord> = {};
    if (body.name !== undefined && body.name !== current.name) {
      if (await this.store.integrations.nameTaken(body.name, current.id)) {
        throw new ConflictError(
          `An integration named '${body.name}' already exists`,
        );
      }
      changes.name = body.name;
    }
    if (body.base_url !== undefined)
      changes.base_url = body.base_url.replace(/\/+$/, '');
    for (const key of [
      'sync_direction',
      'enabled',
      'conflict_strategy',
      'conflict_window_seconds',
      'rate_limit',
      'backoff_multiplier',
    ] as const) {
      if (body[key] !== undefined) (changes as any)[key] = body[key];
    }
    const sealsSettings =
      body.settings !== undefined && Boolean(connector.sealedSettings?.length);
    if (
      body.credentials !== undefined ||
      body.webhook_secrets !== undefined ||
      sealsSettings
    ) {
      const secrets = this.cipher.open<IntegrationSecrets>(
        current.secrets_ciphertext,
        current.id,
      );
      if (body.settings !== undefined) {
        // Merged over the values, not the names the settings column keeps of sealed entries.
        const merged = mergeSettings(
          withSealedSettings(current.settings, secrets.settings),
          body.settings,
        );
        this.checkSettings(connector, merged, direction);
        const { clear, sealed } = splitSealedSettings(
          merged,
          connector.sealedSettings,
        );
        changes.settings = clear;
        if (Object.keys(sealed).length) secrets.settings = sealed;
        else delete secrets.settings;
      }
      if (body.credentials !== undefined) {
        this.checkCredentials(connector, body.credentials);
        secrets.credentials = body.credentials;
        changes.credential_keys = Object.keys(body.credentials).sort();
      }
      if (body.webhook_secrets !== undefined) {
        secrets.webhook_secrets = body.webhook_secrets;
        changes.webhook_secret_count = body.webhook_secrets.length;
      }
      changes.secrets_ciphertext = this.cipher.seal(secrets, current.id);
    } else if (body.settings !== undefined) {
      const merged = mergeSettings(current.settings, body.settings);
      this.checkSettings(connector, merged, direction);
      changes.settings = merged;
    } else if (body.sync_direction !== undefined && connector.settingsSchema) {
      // Turning on outbound sync needs what writes need, even with the settings unchanged.
      this.checkSettings(
        connector,
        this.outboundIntegration(current).settings,
        direction,
      );
    }
    if (change.declared) changes.managed_by = 'config';
    return this.store.integrations.update(
      current.id,
      changes,
      this.clock.now(),
    );
  }

  /** Runs the connector's connection test and keeps its answer (the portal's "Configured"). */
  async test(
    integration: IntegrationRecord,
    logger: LoggerService,
  ): Promise<{ ok: boolean; message: string }> {
    const connector = this.connectorFor(integration.integration_type);
    const result = await connector
      .testConnection(await this.connectorContext(integration, logger))
      .catch(e => ({ ok: false, message: toError(e).message }));
    await this.store.integrations.recordTest(
      integration.id,
      result,
      this.clock.now(),
    );
    return { ok: result.ok, message: result.message };
  }

  /** Hands an integration no longer declared in app-config back to the API (never deletes it). */
  async release(integration: IntegrationRecord): Promise<void> {
    await this.store.integrations.update(
      integration.id,
      { managed_by: null },
      this.clock.now(),
    );
  }

  async delete(idOrName: string): Promise<IntegrationRecord> {
    const current = await this.resolve(idOrName);
    this.checkNotDeclared(current);
    await this.store.integrations.delete(current.id);
    return current;
  }

  /**
   * The decrypted view a connector call gets; lives only for that call. For connectors
   * that declare `callbackTokens`, the token hashes are read live, so a revoked token
   * stops working at once.
   */
  async connectorIntegration(
    record: IntegrationRecord,
  ): Promise<ConnectorIntegration> {
    const view = this.outboundIntegration(record);
    // Only connectors that authenticate by callback tokens need their hashes (a query).
    if (
      !this.connectors.get(record.integration_type)?.capabilities.callbackTokens
    )
      return view;
    return {
      ...view,
      callbackTokenHashes: await this.store.callbackTokens.liveHashes(
        record.id,
      ),
    };
  }

  /** What a connector call outside delivery gets: the decrypted integration and the outbound policy. */
  async connectorContext(
    record: IntegrationRecord,
    logger: LoggerService,
  ): Promise<ConnectorContext> {
    return {
      integration: await this.connectorIntegration(record),
      logger,
      outbound: this.outbound,
    };
  }

  /** The view without callback-token hashes, for calls that never check them (vendor calls): no query. */
  outboundIntegration(record: IntegrationRecord): ConnectorIntegration {
    const secrets = this.cipher.open<IntegrationSecrets>(
      record.secrets_ciphertext,
      record.id,
    );
    return {
      id: record.id,
      name: record.name,
      organizationId: record.organization_id,
      baseUrl: record.base_url,
      credentials: secrets.credentials,
      webhookSecrets: secrets.webhook_secrets,
      settings: this.connectorSettings(record, secrets),
    };
  }

  /**
   * The settings a connector sees, sealed entries included; the same object for as long as
   * the record's settings and secrets are, so connectors that parse settings once per
   * settings object keep doing so.
   */
  private connectorSettings(
    record: IntegrationRecord,
    secrets: IntegrationSecrets,
  ): Record<string, unknown> {
    if (!secrets.settings) return record.settings;
    const cached = this.settingsViews.get(record.settings);
    if (cached?.ciphertext === record.secrets_ciphertext)
      return cached.settings;
    const settings = withSealedSettings(record.settings, secrets.settings);
    this.settingsViews.set(record.settings, {
      ciphertext: record.secrets_ciphertext,
      settings,
    });
    return settings;
  }

  async putRule(
    idOrName: string,
    rule: FieldOwnershipRule,
    change: Change = {},
  ): Promise<FieldOwnershipRule[]> {
    const integration = await this.resolve(idOrName);
    this.checkNotDeclared(integration, change);
    const connector = this.connectorFor(integration.integration_type);
    if (!connector.fields.includes(rule.field)) {
      throw new InputError(
        `field '${rule.field}' is not a ${connector.type} field; known fields: ${connector.fields.join(', ')}`,
      );
    }
    await this.store.integrations.putRule(integration.id, rule);
    return this.store.integrations.rules(integration.id);
  }

  /**
   * Removes a field's rule, so the field flows both ways again
   * (docs/sync-semantics.md#ownership-rules); a field without a rule is a 404.
   */
  async deleteRule(
    idOrName: string,
    field: string,
  ): Promise<FieldOwnershipRule[]> {
    const integration = await this.resolve(idOrName);
    if (!(await this.store.integrations.deleteRule(integration.id, field)))
      throw new NotFoundError(
        `integration '${integration.name}' has no ownership rule for '${field}'`,
      );
    return this.store.integrations.rules(integration.id);
  }
}
