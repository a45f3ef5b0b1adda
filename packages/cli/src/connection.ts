import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, UsageError } from './errors';

const DEFAULT_URL = 'http://localhost:7007';

/** Where the backend is and how to authenticate to it. */
export interface Connection {
  /** Backend root, e.g. http://localhost:7007 (the API lives under /api/itsm-sync). */
  url: string;
  token?: string;
}

interface ConfigFile {
  url?: string;
  token?: string;
}

/** `$IM_CONFIG`, else `~/.config/im/config.json`. */
function configFilePath(env: NodeJS.ProcessEnv): string {
  return (
    env.IM_CONFIG ||
    path.join(env.HOME || os.homedir(), '.config', 'im', 'config.json')
  );
}

function readConfigFile(file: string, explicit: boolean): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit)
      return {};
    throw new CliError(
      `Cannot read the config file ${file}: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`The config file ${file} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError(
      `The config file ${file} must hold a JSON object like {"url": "...", "token": "..."}`,
    );
  }
  const { url, token } = parsed as Record<string, unknown>;
  if (url !== undefined && typeof url !== 'string')
    throw new CliError(`"url" in ${file} must be a string`);
  if (token !== undefined && typeof token !== 'string')
    throw new CliError(`"token" in ${file} must be a string`);
  return { url, token };
}

/** Flags beat the environment (IM_URL, IM_TOKEN), which beats the config file. */
export function resolveConnection(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): Connection {
  const needFile = !(flags.url || env.IM_URL) || !(flags.token || env.IM_TOKEN);
  const file = needFile
    ? readConfigFile(configFilePath(env), Boolean(env.IM_CONFIG))
    : {};
  const url = flags.url || env.IM_URL || file.url || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`The server URL '${url}' is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(
      `The server URL '${url}' must start with http:// or https://`,
    );
  }
  return {
    url: url.replace(/\/+$/, ''),
    token: flags.token || env.IM_TOKEN || file.token || undefined,
  };
}
