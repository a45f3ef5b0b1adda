/**
 * Credentials follow their host (README "Security"): the origins an integration's
 * credentials may be sent to are its base URL's and those of every absolute URL in its
 * settings (a templated connector's create_url, lookup_url, ...). Moving any of them to a
 * new origin needs the credentials supplied again, or a manager could redirect stored
 * secrets to a host of their choosing.
 */
export function credentialOrigins(
  baseUrl: string,
  settings: Record<string, unknown>,
): Set<string> {
  const origins = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value.trim()))
      return;
    try {
      origins.add(new URL(value.trim()).origin.toLowerCase());
    } catch {
      // Not a URL the connector could call either; its own validation names it.
    }
  };
  add(baseUrl);
  for (const value of Object.values(settings)) add(value);
  return origins;
}

/** Origins in `after` that `before` did not have. */
export function addedOrigins(
  before: Set<string>,
  after: Set<string>,
): string[] {
  return [...after].filter(origin => !before.has(origin)).sort();
}
