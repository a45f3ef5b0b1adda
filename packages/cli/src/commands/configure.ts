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
import { fromEnv, settingsFrom, splitAssignment } from '../settingsInput';
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
  webhookSecretEnv?: string[];
  credential?: string[];
  credentialEnv?: string[];
  credentialStdin?: string;
  set?: string[];
  setEnv?: string[];
  settingsFile?: string;
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

/**
 * Credentials from the flags, `--credential key=value`, `--credential-env key=VAR` and
 * `--credential-stdin key`, so a secret never has to be on the command line.
 */
async function credentialsFrom(
  opts: ConfigureOptions,
  runtime: Runtime,
): Promise<Record<string, string> | undefined> {
  const entries: Array<[string, string]> = CREDENTIAL_FLAGS.filter(
    ([flag]) => opts[flag] !== undefined,
  ).map(([flag, key]) => [key, String(opts[flag])]);
  for (const assignment of opts.credential ?? []) {
    const [path, value] = splitAssignment('--credential', assignment);
    entries.push([path.join('.'), value]);
  }
  for (const assignment of opts.credentialEnv ?? []) {
    const [path, variable] = splitAssignment('--credential-env', assignment);
    entries.push([
      path.join('.'),
      fromEnv('--credential-env', variable, runtime.env),
    ]);
  }
  if (opts.credentialStdin !== undefined) {
    // One value, as `printf %s "$SECRET" | im ...` or a file redirect gives it.
    const value = (await runtime.readStdin()).replace(/\r?\n$/, '');
    if (!value)
      throw new UsageError(
        `--credential-stdin ${opts.credentialStdin}: standard input is empty`,
      );
    entries.push([opts.credentialStdin, value]);
  }
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** The tunables shared by create and change. */
async function tunablesFrom(opts: ConfigureOptions, runtime: Runtime) {
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
  // Settings merge on the server, so these never drop a service mapping.
  const settings = settingsFrom(opts, runtime.env);
  if (settings) body.settings = settings;
  if (opts.syncEscalations !== undefined)
    body.settings = {
      ...body.settings,
      sync_escalations: opts.syncEscalations,
    };
  const credentials = await credentialsFrom(opts, runtime);
  if (credentials) body.credentials = credentials;
  const webhookSecrets = [
    ...(opts.webhookSecret ?? []),
    ...(opts.webhookSecretEnv ?? []).map(variable =>
      fromEnv('--webhook-secret-env', variable, runtime.env),
    ),
  ];
  if (webhookSecrets.length) body.webhook_secrets = webhookSecrets;
  return body;
}

async function createBody(
  opts: ConfigureOptions,
  runtime: Runtime,
): Promise<CreateIntegrationRequest> {
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
    ...(await tunablesFrom(opts, runtime)),
  } as CreateIntegrationRequest;
}

async function updateBody(
  opts: ConfigureOptions,
  runtime: Runtime,
): Promise<UpdateIntegrationRequest> {
  if (opts.type !== undefined || opts.org !== undefined) {
    throw new UsageError(
      '--type and --org are fixed when an integration is created and cannot be changed',
    );
  }
  const body: Record<string, unknown> = {
    ...(await tunablesFrom(opts, runtime)),
  };
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
      'integration type: servicenow, jira, pagerduty, itsm-webhook (im connector list)',
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
    )
    .option(
      '--webhook-secret-env <VAR>',
      'inbound webhook signing secret from an environment variable (repeatable)',
      collect,
    )
    .option(
      '--credential <key=value>',
      'a credential entry by its connector name, e.g. api_key=... (repeatable; see im connector show TYPE)',
      collect,
    )
    .option(
      '--credential-env <key=VAR>',
      'a credential entry from an environment variable, e.g. password=SERVICENOW_PASSWORD (repeatable)',
      collect,
    )
    .option(
      '--credential-stdin <key>',
      'a credential entry read from standard input, e.g. password',
    )
    .option(
      '--set <key=value>',
      'a connector setting (repeatable): dotted keys for nested settings, JSON values (true, 30, {"OPEN":"open"}), null removes; see im connector show TYPE',
      collect,
    )
    .option(
      '--set-env <key=VAR>',
      'a connector setting from an environment variable (repeatable), e.g. additional_headers.X-Api-Key=TENANT_KEY',
      collect,
    )
    .option(
      '--settings-file <file>',
      'connector settings from a YAML or JSON file; --set values apply over it',
    );
  withConnectionOptions(command, { authToken: false });

  command.action(
    action<ConfigureOptions>(
      runtime,
      async (ctx, [ref], opts) => {
        const { format, output } = ctx;
        // Bodies first: a usage problem is reported before anything is sent.
        const body = ref
          ? await updateBody(opts, ctx.runtime)
          : await createBody(opts, ctx.runtime);
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
