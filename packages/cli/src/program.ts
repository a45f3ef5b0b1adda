import { Command } from 'commander';
import { addConfigureCommand } from './commands/configure';
import { addConflictCommands } from './commands/conflict';
import { addConnectorCommands } from './commands/connector';
import { addFieldOwnershipCommands } from './commands/fieldOwnership';
import { addIncidentCommands } from './commands/incident';
import { addIntegrationCommands } from './commands/integration';
import { addPreviewCommand } from './commands/preview';
import { addReconcileCommands } from './commands/reconcile';
import { addRoutingCommands } from './commands/routing';
import { addSecretsCommands } from './commands/secrets';
import { addServiceMappingCommands } from './commands/serviceMapping';
import { addUserMappingCommands } from './commands/userMapping';
import { formatOption, type Runtime } from './context';

/** The whole `im` command tree. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command('im');
  program
    .description(
      'ITSM Sync Hub command line: a client of the itsm-sync REST API',
    )
    // Usage errors throw instead of exiting, so `run` can map them to exit code 2.
    .exitOverride()
    .configureOutput({
      writeOut: text => runtime.output.out(text),
      writeErr: text => runtime.output.err(text),
    })
    .showHelpAfterError('(add --help for usage)')
    // Options before a subcommand belong to `im`; this lets `im --token X integration
    // configure ... --token <vendor token>` tell the two tokens apart.
    .enablePositionalOptions()
    .option(
      '--url <url>',
      'backend URL (env IM_URL, config file; default http://localhost:7007)',
    )
    .option(
      '--token <token>',
      'API token sent as Authorization: Bearer (env IM_TOKEN, config file)',
    )
    .addOption(formatOption());

  const integration = program
    .command('integration')
    .description('configure and inspect integrations');
  integration.enablePositionalOptions();
  addConfigureCommand(integration, runtime);
  addIntegrationCommands(integration, runtime);
  addFieldOwnershipCommands(integration, runtime);
  addReconcileCommands(integration, runtime);
  addServiceMappingCommands(integration, runtime);
  addPreviewCommand(integration, runtime);
  addConnectorCommands(program, runtime);
  addConflictCommands(program, runtime);
  addIncidentCommands(program, runtime);
  addRoutingCommands(program, runtime);
  addSecretsCommands(program, runtime);
  addUserMappingCommands(program, runtime);
  return program;
}
