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

/** Picks the message out of Backstage's standard error body, or a short text body. */
export function backendMessage(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text);
    const message = parsed?.error?.message ?? parsed?.message ?? parsed?.error;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: fall through to the raw text
  }
  // An HTML error page or a huge body is no use on one line.
  return text.startsWith('<') ? undefined : text.split('\n')[0].slice(0, 300);
}

/** One clear line for an HTTP error status, never a stack trace. */
export function httpErrorMessage(status: number, body: string, what: string): string {
  const detail = backendMessage(body);
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) {
    return `Authentication failed (401) for ${what}: check the token (--token, IM_TOKEN or the config file)${suffix}`;
  }
  if (status === 403) return `Not allowed (403) to ${what}${suffix}`;
  if (status === 404) return `Not found (404)${suffix || `: ${what}`}`;
  if (status >= 500) return `The backend failed (${status}) on ${what}${suffix}`;
  return `Request rejected (${status})${suffix || `: ${what}`}`;
}
