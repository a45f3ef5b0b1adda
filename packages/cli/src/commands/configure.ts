import { Command, Option } from 'commander';
import {
  CONFLICT_STRATEGIES,
  SYNC_DIRECTIONS,
  type CreateIntegrationRequest,
  type UpdateIntegrationRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  action,
  parseBoolean,
  parseInteger,
  parseNumber,
  withConnectionOptions,
  type Runtime,
} from '../context';
import { UsageError } from '../errors';
import { show } from '../output';
import { integrationView } from '../views';

interface ConfigureOptions {
  name?: string;
  type?: string;
  org?: string;
  baseUrl?: string;
  direction?: CreateIntegrationRequest['sync_direction'];
  conflictStrategy?: CreateIntegrationRequest['conflict_strategy'];
  conflictWindow?: number;
  rateLimit?: number;
  backoffMultiplier?: number;
  syncEscalations?: boolean;
  enabled?: boolean;
  username?: string;
  password?: string;
  token?: string;
  email?: string;
  apiToken?: string;
  clientId?: string;
  clientSecret?: string;
  webhookSecret?: string[];
}

/** Credential flags and the credential entry each one fills (the connectors' key names). */
const CREDENTIAL_FLAGS: Array<[keyof ConfigureOptions, string]> = [
  ['username', 'username'],
  ['password', 'password'],
  ['token', 'token'],
  ['email', 'email'],
  ['apiToken', 'api_token'],
  ['clientId', 'client_id'],
  ['clientSecret', 'client_secret'],
];

function credentialsFrom(
  opts: ConfigureOptions,
): Record<string, string> | undefined {
  const entries = CREDENTIAL_FLAGS.filter(
    ([flag]) => opts[flag] !== undefined,
  ).map(([flag, key]) => [key, String(opts[flag])]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The tunables shared by create and change. */
function tunablesFrom(opts: ConfigureOptions) {
  const body: Partial<UpdateIntegrationRequest> = {};
  if (opts.direction !== undefined) body.sync_direction = opts.direction;
  if (opts.conflictStrategy !== undefined)
    body.conflict_strategy = opts.conflictStrategy;
  if (opts.conflictWindow !== undefined)
    body.conflict_window_seconds = opts.conflictWindow;
  if (opts.rateLimit !== undefined) body.rate_limit = opts.rateLimit;
  if (opts.backoffMultiplier !== undefined)
    body.backoff_multiplier = opts.backoffMultiplier;
  if (opts.enabled !== undefined) body.enabled = opts.enabled;
  // Settings merge on the server, so this never drops a service mapping.
  if (opts.syncEscalations !== undefined)
    body.settings = { sync_escalations: opts.syncEscalations };
  const credentials = credentialsFrom(opts);
  if (credentials) body.credentials = credentials;
  if (opts.webhookSecret?.length) body.webhook_secrets = opts.webhookSecret;
  return body;
}

function createBody(opts: ConfigureOptions): CreateIntegrationRequest {
  const missing = (
    [
      ['--name', opts.name],
      ['--type', opts.type],
      ['--org', opts.org],
      ['--base-url', opts.baseUrl],
    ] as const
  )
    .filter(([, value]) => !value)
    .map(([flag]) => flag);
  if (missing.length) {
    throw new UsageError(
      `Creating an integration needs ${missing.join(', ')} (or name an existing integration to change it)`,
    );
  }
  return {
    name: opts.name!,
    integration_type: opts.type!,
    organization_id: opts.org!,
    base_url: opts.baseUrl!,
    ...tunablesFrom(opts),
  } as CreateIntegrationRequest;
}

function updateBody(opts: ConfigureOptions): UpdateIntegrationRequest {
  if (opts.type !== undefined || opts.org !== undefined) {
    throw new UsageError(
      '--type and --org are fixed when an integration is created and cannot be changed',
    );
  }
  const body: Record<string, unknown> = { ...tunablesFrom(opts) };
  if (opts.name !== undefined) body.name = opts.name;
  if (opts.baseUrl !== undefined) body.base_url = opts.baseUrl;
  if (!Object.keys(body).length)
    throw new UsageError(
      'Nothing to change: give at least one setting, e.g. --direction outbound',
    );
  return body as UpdateIntegrationRequest;
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  value,
];

/** `im integration configure`: create an integration, or change one named as the argument. */
export function addConfigureCommand(integration: Command, runtime: Runtime) {
  const command = integration
    .command('configure')
    .description(
      'create an integration (--name --type --org --base-url ...) or change an existing one',
    )
    .argument(
      '[integration]',
      'existing integration (id or name) to change; omit to create',
    )
    .option('--name <name>', 'integration name')
    .option(
      '--type <type>',
      'integration type: servicenow, jira, pagerduty, webhook ...',
    )
    .option('--org <organization>', 'organization id')
    .option('--base-url <url>', 'base URL of the external system')
    .addOption(
      new Option('--direction <direction>', 'sync direction').choices(
        SYNC_DIRECTIONS,
      ),
    )
    .addOption(
      new Option('--conflict-strategy <strategy>', 'conflict strategy').choices(
        CONFLICT_STRATEGIES,
      ),
    )
    .option(
      '--conflict-window <seconds>',
      'edits of a field this close together conflict',
      parseInteger('--conflict-window'),
    )
    .option(
      '--rate-limit <per-minute>',
      'outbound requests per minute',
      parseInteger('--rate-limit'),
    )
    .option(
      '--backoff-multiplier <factor>',
      'multiplies the retry delays',
      parseNumber('--backoff-multiplier'),
    )
    .option(
      '--sync-escalations <true|false>',
      'sync escalation policy information',
      parseBoolean('--sync-escalations'),
    )
    .option(
      '--enabled [true|false]',
      'enable or disable syncing',
      parseBoolean('--enabled'),
    )
    .option('--username <username>', 'credential: user name (ServiceNow)')
    .option('--password <password>', 'credential: password (ServiceNow)')
    .option(
      '--token <token>',
      'credential: API token (PagerDuty); the im API token then comes from IM_TOKEN or `im --token`',
    )
    .option('--email <email>', 'credential: account email (Jira)')
    .option('--api-token <token>', 'credential: API token (Jira)')
    .option('--client-id <id>', 'credential: OAuth client id')
    .option('--client-secret <secret>', 'credential: OAuth client secret')
    .option(
      '--webhook-secret <secret>',
      'inbound webhook signing secret (repeat during rotation)',
      collect,
    );
  withConnectionOptions(command, { authToken: false });

  command.action(
    action<ConfigureOptions>(
      runtime,
      async (ctx, [ref], opts) => {
        const { format, output } = ctx;
        // Bodies first: a usage problem is reported before anything is sent.
        const body = ref ? updateBody(opts) : createBody(opts);
        const result = ref
          ? await ctx.api.call(`change integration '${ref}'`, api =>
              api.updateIntegration(ref, body as UpdateIntegrationRequest),
            )
          : await ctx.api.call('create the integration', api =>
              api.createIntegration(body as CreateIntegrationRequest),
            );
        show(
          output,
          format,
          result,
          r =>
            `${ref ? 'Updated' : 'Created'} integration '${r.name}' (${r.id})\n${integrationView(r)}`,
        );
      },
      { authToken: false },
    ),
  );
}
