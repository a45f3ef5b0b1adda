/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure that ends the command with a one-line message and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line was well-formed for the parser but still wrong (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** One clear line for an HTTP error status, never a stack trace. */
export function httpErrorMessage(
  status: number,
  detail: string | undefined,
  what: string,
): string {
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) {
    return `Authentication failed (401) for ${what}: check the token (--token, IM_TOKEN or the config file)${suffix}`;
  }
  if (status === 403) return `Not allowed (403) to ${what}${suffix}`;
  if (status === 404) return `Not found (404)${suffix || `: ${what}`}`;
  if (status >= 500)
    return `The backend failed (${status}) on ${what}${suffix}`;
  return `Request rejected (${status})${suffix || `: ${what}`}`;
}
