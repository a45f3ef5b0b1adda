import { CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './errors';
import { processOutput } from './output';
import { buildProgram } from './program';
import type { Runtime } from './context';

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs `im` with the given arguments and returns the exit code: 0 ok, 1 failure
 * (including HTTP errors and an unreachable backend), 2 usage error. Never throws and
 * never prints a stack trace.
 */
export async function run(
  argv: string[],
  overrides: Partial<Runtime> = {},
): Promise<number> {
  const runtime: Runtime = {
    env: process.env,
    output: processOutput,
    interactive: Boolean(process.stderr.isTTY),
    readStdin: readProcessStdin,
    ...overrides,
  };
  const program = buildProgram(runtime);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return runtime.exitCode ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; commander has already printed the problem.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      runtime.output.err(`im: ${error.message}`);
      return error.exitCode;
    }
    runtime.output.err(
      `im: unexpected error: ${(error as Error)?.message ?? String(error)}`,
    );
    return EXIT_FAILURE;
  }
}
