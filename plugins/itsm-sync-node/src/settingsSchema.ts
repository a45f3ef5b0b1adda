import { z } from 'zod';
import { WEBHOOK_SIGNATURE_SCHEMES } from './standardWebhooks';

/**
 * The JSON Schema keyword listing what an integration that sends to the vendor must set
 * (docs/sync-semantics.md#integration-settings): each entry is a list of settings of which
 * at least one must be set.
 * @public
 */
export const REQUIRED_FOR_WRITES_KEYWORD = 'x-required-for-writes';

/**
 * Settings the hub itself reads on every connector (docs/sync-semantics.md#integration-settings),
 * for connectors to spread into their settings schema.
 * @public
 */
export const hubSettingsShape = {
  inbound_create: z.boolean().optional().meta({
    title: 'Inbound creation',
    description:
      'false stops tickets opened at the vendor from opening platform incidents',
    default: true,
  }),
  manual_sync_cooldown_seconds: z.number().int().min(0).optional().meta({
    title: 'Manual sync cooldown (seconds)',
    description: 'How long "Sync with ITSM" stays locked after a manual sync',
    default: 600,
  }),
};

/** The `webhook_signature_scheme` setting, shared by the connectors that sign with a secret. @public */
export const webhookSignatureSchemeSetting = z
  .enum(WEBHOOK_SIGNATURE_SCHEMES)
  .optional()
  .meta({
    title: 'Webhook signature scheme',
    description:
      'legacy (the vendor header over the body) or standard-webhooks (webhook-id, webhook-timestamp, webhook-signature)',
    default: 'legacy',
  });

/**
 * What a connector declares about its `settings`: the zod schema (titles and descriptions in
 * `.meta()`) and the settings writes to the vendor need.
 * @public
 */
export interface ConnectorSettingsDeclaration {
  /** Checked when an integration is saved; `GET /v1/connectors` returns it as JSON Schema. */
  schema: z.ZodObject;
  /**
   * Settings an integration that sends to the vendor (`outbound` or `bidirectional`) must
   * have: each entry names one setting, or several of which any one will do.
   */
  requiredForWrites?: ReadonlyArray<string | readonly string[]>;
}

/** True when a setting holds a value (not absent, null, '' or an empty list or object). */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function describeSetting(schema: z.ZodObject, key: string): string {
  const field = schema.shape[key] as z.ZodType | undefined;
  const meta = field?.meta();
  const description =
    typeof meta?.description === 'string' ? meta.description : undefined;
  return description ? `settings.${key} (${description})` : `settings.${key}`;
}

/**
 * Checks settings against a connector's declaration; throws an Error naming the first bad or
 * missing setting. `sendsOutbound` adds the settings writes need.
 * @public
 */
export function checkConnectorSettings(
  declaration: ConnectorSettingsDeclaration,
  settings: Record<string, unknown>,
  sendsOutbound: boolean,
): void {
  // An empty value means "not set", as the connectors' own readers take it.
  const given = Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== null && v !== ''),
  );
  const parsed = declaration.schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length
      ? `settings.${issue.path.map(String).join('.')}`
      : 'settings';
    throw new Error(`${where}: ${issue.message}`);
  }
  if (!sendsOutbound) return;
  for (const entry of declaration.requiredForWrites ?? []) {
    const anyOf = typeof entry === 'string' ? [entry] : entry;
    if (anyOf.some(key => isSet(settings[key]))) continue;
    const named = anyOf
      .map(key => describeSetting(declaration.schema, key))
      .join(' or ');
    throw new Error(
      `${named} is required: an integration that sends to the vendor cannot write without it`,
    );
  }
}

// Declarations are constants: each is converted once.
const jsonSchemas = new WeakMap<
  ConnectorSettingsDeclaration,
  Record<string, unknown>
>();

function toJsonSchema(
  declaration: ConnectorSettingsDeclaration,
): Record<string, unknown> {
  const schema = z.toJSONSchema(declaration.schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...schema,
    [REQUIRED_FOR_WRITES_KEYWORD]: (declaration.requiredForWrites ?? []).map(
      entry => (typeof entry === 'string' ? [entry] : [...entry]),
    ),
  };
}

/**
 * The settings as JSON Schema (what the settings accept when written, defaults, titles and
 * descriptions), with the settings writes need under `x-required-for-writes`.
 * @public
 */
export function connectorSettingsJsonSchema(
  declaration: ConnectorSettingsDeclaration,
): Record<string, unknown> {
  let converted = jsonSchemas.get(declaration);
  if (!converted) {
    converted = toJsonSchema(declaration);
    jsonSchemas.set(declaration, converted);
  }
  return converted;
}
