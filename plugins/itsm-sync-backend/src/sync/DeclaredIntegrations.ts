import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, isError, toError } from '@backstage/errors';
import {
  createIntegrationRequestSchema,
  fieldNameSchema,
  fieldOwnershipRuleRequestSchema,
  intervalToSeconds,
  reconcileScheduleRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { IntegrationRecord } from '../store/types';
import type { IntegrationService } from './IntegrationService';
import type { ReconcileScheduler } from './ReconcileScheduler';

const CONFIG_KEY = 'itsmSync.integrations';

/** One entry: the body of POST /v1/integrations, with its ownership rules and reconcile schedule. */
const declaredIntegrationSchema = createIntegrationRequestSchema
  .extend({
    field_ownership: z
      .array(fieldOwnershipRuleRequestSchema.extend({ field: fieldNameSchema }))
      .optional(),
    reconcile_schedule: reconcileScheduleRequestSchema.optional(),
  })
  .strict();

type DeclaredIntegration = z.output<typeof declaredIntegrationSchema>;

/** `itsmSync.integrations[2].settings.from_email` from a zod path. */
function keyOf(index: number, path: PropertyKey[] = []): string {
  let key = `${CONFIG_KEY}[${index}]`;
  for (const part of path)
    key += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return key;
}

/**
 * Integrations declared in app-config (`itsmSync.integrations`, configuration as code):
 * validated when the backend starts, with errors naming the key, and applied on every start
 * and replica: created when missing, brought to the declared values when they differ, and
 * shown read-only (`managed_by: config`) in the API. An integration no longer declared is
 * kept and handed back to the API, never deleted (docs/DESIGN.md, configuration as code).
 */
export class DeclaredIntegrations {
  private constructor(private readonly declared: DeclaredIntegration[]) {}

  /** Reads and checks the declarations; throws an Error naming the first bad key. */
  static fromConfig(config: Config): DeclaredIntegrations {
    const raw = config.getOptional(CONFIG_KEY);
    if (raw === undefined) return new DeclaredIntegrations([]);
    if (!Array.isArray(raw))
      throw new Error(`${CONFIG_KEY} must be a list of integrations`);
    const declared = raw.map((entry, index) => {
      const parsed = declaredIntegrationSchema.safeParse(entry);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const unknown =
          issue.code === 'unrecognized_keys'
            ? ` (known keys: ${Object.keys(declaredIntegrationSchema.shape).join(', ')})`
            : '';
        throw new Error(
          `Invalid ${keyOf(index, issue.path)}: ${issue.message}${unknown}`,
        );
      }
      return parsed.data;
    });
    const names = declared.map(d => d.name);
    const twice = names.findIndex((n, i) => names.indexOf(n) !== i);
    if (twice >= 0)
      throw new Error(
        `Invalid ${keyOf(twice)}.name: '${names[twice]}' is declared twice`,
      );
    return new DeclaredIntegrations(declared);
  }

  /** Creates or updates every declared integration; throws an Error naming the key of the first refused. */
  async apply(deps: {
    integrations: IntegrationService;
    schedules: ReconcileScheduler;
    logger: LoggerService;
  }): Promise<void> {
    const { integrations, logger } = deps;
    for (const [index, declared] of this.declared.entries()) {
      try {
        const integration = await this.applyOne(declared, integrations);
        for (const rule of declared.field_ownership ?? []) {
          await integrations.putRule(integration.id, rule, { declared: true });
        }
        if (declared.reconcile_schedule) {
          const wanted = {
            intervalSeconds: intervalToSeconds(
              declared.reconcile_schedule.interval,
            ),
            autoHeal: declared.reconcile_schedule.auto_heal,
            enabled: declared.reconcile_schedule.enabled,
          };
          const current = await deps.schedules.getSchedule(integration.id);
          // Unchanged, it keeps its next run; rewriting it would push the run back on every start.
          if (
            !current ||
            current.interval_seconds !== wanted.intervalSeconds ||
            current.auto_heal !== wanted.autoHeal ||
            current.enabled !== wanted.enabled
          )
            await deps.schedules.putSchedule(integration.id, wanted);
        }
      } catch (error) {
        const message = toError(error).message;
        // The service names settings as `settings.key` (or `settings: key ...`): keys under the entry.
        const where = /^settings[.:]/.test(message)
          ? `${keyOf(index)}.`
          : `${keyOf(index)} ('${declared.name}'): `;
        throw new Error(`Invalid ${where}${message}`);
      }
    }
    const names = new Set(this.declared.map(d => d.name));
    for (const integration of await integrations.list()) {
      if (integration.managed_by !== 'config' || names.has(integration.name))
        continue;
      await integrations.release(integration);
      logger.warn(
        `Integration '${integration.name}' is no longer declared in ${CONFIG_KEY}; it is kept, and is managed through the API from now on`,
      );
    }
  }

  private async applyOne(
    declared: DeclaredIntegration,
    integrations: IntegrationService,
  ): Promise<IntegrationRecord> {
    const { field_ownership, reconcile_schedule, ...body } = declared;
    let current = await this.find(integrations, body.name);
    if (!current) {
      try {
        return await integrations.create(body, { declared: true });
      } catch (error) {
        // Another replica created it first: bring that one to the declared values.
        if (!(isError(error) && error.name === ConflictError.name)) throw error;
        current = await this.find(integrations, body.name);
        if (!current) throw error;
      }
    }
    if (current.managed_by !== 'config') {
      throw new Error(
        `name: an integration named '${body.name}' was created through the API; rename or delete it before declaring it in configuration`,
      );
    }
    const view = integrations.outboundIntegration(current);
    const unchanged =
      current.organization_id === body.organization_id &&
      current.integration_type === body.integration_type &&
      current.base_url === body.base_url.replace(/\/+$/, '') &&
      current.sync_direction === body.sync_direction &&
      current.enabled === body.enabled &&
      current.conflict_strategy === body.conflict_strategy &&
      current.conflict_window_seconds === body.conflict_window_seconds &&
      current.rate_limit === body.rate_limit &&
      current.backoff_multiplier === body.backoff_multiplier &&
      isDeepStrictEqual(view.settings, body.settings) &&
      isDeepStrictEqual(view.credentials, body.credentials) &&
      isDeepStrictEqual(view.webhookSecrets, body.webhook_secrets);
    if (unchanged) return current;
    if (
      current.organization_id !== body.organization_id ||
      current.integration_type !== body.integration_type
    ) {
      throw new Error(
        `organization_id and integration_type of '${body.name}' are fixed once it exists; declare a new integration instead`,
      );
    }
    // The declared settings replace the stored ones: a key no longer declared is removed.
    const settings: Record<string, unknown> = { ...body.settings };
    for (const key of Object.keys(view.settings))
      if (!(key in settings)) settings[key] = null;
    return integrations.update(
      current.id,
      {
        base_url: body.base_url,
        sync_direction: body.sync_direction,
        enabled: body.enabled,
        conflict_strategy: body.conflict_strategy,
        conflict_window_seconds: body.conflict_window_seconds,
        rate_limit: body.rate_limit,
        backoff_multiplier: body.backoff_multiplier,
        settings,
        credentials: body.credentials,
        webhook_secrets: body.webhook_secrets,
      },
      { declared: true },
    );
  }

  private async find(
    integrations: IntegrationService,
    name: string,
  ): Promise<IntegrationRecord | undefined> {
    try {
      return await integrations.resolve(name);
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') return undefined;
      throw error;
    }
  }
}
