import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors';

type Settings = Record<string, unknown>;

function isPlainObject(value: unknown): value is Settings {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A `--set` value: JSON when it parses as JSON (`true`, `30`, `{"OPEN": "open"}`,
 * `["a"]`, `null` to remove a setting), else the text itself (`OPS`, `ops@example.com`).
 */
function parseSetValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Splits `key=value`; the key may be a dotted path (`status_mapping.OPEN=open`). */
export function splitAssignment(
  flag: string,
  assignment: string,
): [path: string[], value: string] {
  const eq = assignment.indexOf('=');
  const key = eq > 0 ? assignment.slice(0, eq) : '';
  const path = key.split('.');
  if (!key || path.some(part => !part.trim())) {
    throw new UsageError(
      `${flag} takes key=value (a dotted key for nested settings, e.g. status_mapping.OPEN=open); got '${assignment}'`,
    );
  }
  return [path, assignment.slice(eq + 1)];
}

/** Sets `value` at `path` inside `target`, making the objects on the way. */
function setAtPath(
  target: Settings,
  path: string[],
  value: unknown,
  flag: string,
): void {
  let node = target;
  for (const [i, part] of path.slice(0, -1).entries()) {
    if (node[part] === undefined) node[part] = {};
    if (!isPlainObject(node[part])) {
      throw new UsageError(
        `${flag} ${path.join('.')}: ${path.slice(0, i + 1).join('.')} is already set to a value that is not an object`,
      );
    }
    node = node[part] as Settings;
  }
  node[path[path.length - 1]] = value;
}

/** Reads a `--settings-file`: a YAML or JSON mapping of settings. */
function readSettingsFile(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--settings-file ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    parsed = parseYaml(text);
  } catch (error) {
    throw new UsageError(
      `--settings-file ${file} is not valid YAML or JSON: ${(error as Error).message}`,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new UsageError(
      `--settings-file ${file} must hold a mapping of setting names to values`,
    );
  }
  return parsed;
}

/** The settings of `--settings-file`, then each `--set` and `--set-env` over them, in order. */
export function settingsFrom(
  options: { settingsFile?: string; set?: string[]; setEnv?: string[] },
  env: NodeJS.ProcessEnv,
): Settings | undefined {
  if (!options.settingsFile && !options.set?.length && !options.setEnv?.length)
    return undefined;
  const settings = options.settingsFile
    ? readSettingsFile(options.settingsFile)
    : {};
  for (const assignment of options.set ?? []) {
    const [path, text] = splitAssignment('--set', assignment);
    setAtPath(settings, path, parseSetValue(text), '--set');
  }
  for (const assignment of options.setEnv ?? []) {
    const [path, variable] = splitAssignment('--set-env', assignment);
    // Environment values are text (a header value, a key), never parsed as JSON.
    setAtPath(settings, path, fromEnv('--set-env', variable, env), '--set-env');
  }
  return settings;
}

/** The value of an environment variable a flag names; a usage error when it is unset. */
export function fromEnv(
  flag: string,
  variable: string,
  env: NodeJS.ProcessEnv,
): string {
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new UsageError(
      `${flag}: the environment variable ${variable} is not set`,
    );
  }
  return value;
}
