/** Small readers for one setting each; every error names the setting. */

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export type Settings = Record<string, unknown>;

export function optionalString(
  settings: Settings,
  key: string,
  max = 4000,
): string | undefined {
  const value = settings[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new SettingsError(`${key} must be a string`);
  if (value.length > max)
    throw new SettingsError(`${key} is longer than ${max} characters`);
  return value.trim();
}

export function requiredString(
  settings: Settings,
  key: string,
  what: string,
  max = 4000,
): string {
  const value = optionalString(settings, key, max);
  if (!value) throw new SettingsError(`${key} is required: ${what}`);
  return value;
}

export function oneOf<T extends string>(
  settings: Settings,
  key: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const raw = optionalString(settings, key);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new SettingsError(`${key} is required; one of ${allowed.join(', ')}`);
  }
  const match = allowed.find(a => a.toLowerCase() === raw.toLowerCase());
  if (!match)
    throw new SettingsError(
      `${key} '${raw}' is not one of ${allowed.join(', ')}`,
    );
  return match;
}

/** An object of string values, given as an object or as JSON text. */
export function stringMap(
  settings: Settings,
  key: string,
): Record<string, string> {
  let value = settings[key];
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new SettingsError(
        `${key} is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingsError(`${key} must be a JSON object of names to values`);
  }
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new SettingsError(`${key}.${name} must be a string`);
    }
    out[name] = String(v);
  }
  return out;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function checkHeaderName(key: string, name: string): void {
  if (!HEADER_NAME.test(name))
    throw new SettingsError(
      `${key}: '${name}' is not a valid HTTP header name`,
    );
}

export function checkHeaderValue(
  key: string,
  name: string,
  value: string,
): void {
  if (/[\r\n\0]/.test(value))
    throw new SettingsError(`${key}.${name} must not contain line breaks`);
}

export function optionalInteger(
  settings: Settings,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = settings[key];
  if (value === undefined || value === null || value === '') return undefined;
  const n =
    typeof value === 'string' && /^\d+$/.test(value.trim())
      ? Number(value)
      : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new SettingsError(
      `${key} must be a whole number from ${min} to ${max}`,
    );
  }
  return n;
}
