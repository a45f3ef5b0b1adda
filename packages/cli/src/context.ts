import { Command, InvalidArgumentError, Option } from 'commander';
import { HubApi } from './client';
import { resolveConnection } from './connection';
import { FORMATS, type Format, type Output } from './output';

/** What a command needs from outside: the environment and where to write. */
export interface Runtime {
  /** Set by an action that ends in a failure it already reported. */
  exitCode?: number;
  env: NodeJS.ProcessEnv;
  output: Output;
  /** Whether stderr is a terminal (progress bars only there). */
  interactive: boolean;
  /** All of standard input, for secrets piped in (`--credential-stdin`). */
  readStdin(): Promise<string>;
}

/** Everything a command's action works with. */
export interface CommandContext {
  api: HubApi;
  format: Format;
  output: Output;
  runtime: Runtime;
}

interface ConnectionFlags {
  url?: string;
  token?: string;
  format?: Format;
}

export const formatOption = () =>
  new Option('--format <format>', 'output format (default: table)').choices(
    FORMATS,
  );

/**
 * Adds --url, --token and --format to a command. `authToken: false` leaves --token out,
 * for `integration configure`, whose --token is a vendor credential (docs/connectors/pagerduty.md#credentials-and-auth).
 */
export function withConnectionOptions(
  command: Command,
  options: { authToken?: boolean } = {},
): Command {
  command.option(
    '--url <url>',
    'backend URL (env IM_URL; default http://localhost:7007)',
  );
  if (options.authToken !== false)
    command.option('--token <token>', 'API token (env IM_TOKEN)');
  return command.addOption(formatOption());
}

/** Program-level flags (given before the subcommand), overridden by the command's own. */
function connectionFlags(
  command: Command,
  authToken: boolean,
): ConnectionFlags {
  const chain: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) chain.unshift(c);
  const merged: ConnectionFlags = {};
  for (const c of chain) {
    const opts = c.opts<ConnectionFlags>();
    const isLeaf = c === command;
    if (opts.url !== undefined) merged.url = opts.url;
    if (opts.token !== undefined && (!isLeaf || authToken))
      merged.token = opts.token;
    if (opts.format !== undefined) merged.format = opts.format;
  }
  return merged;
}

function createContext(
  command: Command,
  runtime: Runtime,
  options: { authToken?: boolean } = {},
): CommandContext {
  const flags = connectionFlags(command, options.authToken !== false);
  let api: HubApi | undefined;
  return {
    // Resolved on first use, so a usage error is reported before any config problem.
    get api() {
      api ??= new HubApi(resolveConnection(flags, runtime.env));
      return api;
    },
    format: flags.format ?? 'table',
    output: runtime.output,
    runtime,
  };
}

/** Parses a whole number flag, or fails as a usage error naming the flag. */
export function parseInteger(flag: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${flag} must be a whole number.`);
    return Number(value);
  };
}

/** Parses a number flag, or fails as a usage error naming the flag. */
export function parseNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${flag} must be a number.`);
    return n;
  };
}

/** Parses true|false (also yes|no, on|off). */
export function parseBoolean(flag: string) {
  return (value: string): boolean => {
    const v = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
    throw new InvalidArgumentError(`${flag} must be true or false.`);
  };
}

/**
 * Wraps a command's action: builds the context, runs it, and records a non-zero
 * exit code the action returns (e.g. a failed connectivity test).
 */
export function action<O extends Record<string, any>>(
  runtime: Runtime,
  fn: (ctx: CommandContext, args: string[], opts: O) => Promise<number | void>,
  options: { authToken?: boolean } = {},
) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const args = received.slice(0, -2) as string[];
    const code = await fn(
      createContext(command, runtime, options),
      args,
      command.opts<O>(),
    );
    if (typeof code === 'number') runtime.exitCode = code;
  };
}
