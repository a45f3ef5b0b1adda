/**
 * Settings a connector declares secret (`ItsmConnector.sealedSettings`, e.g. the templated
 * webhook's `additional_headers`, which often carry API keys) are sealed with the
 * credentials. The settings column keeps only their entry names, which is all the API
 * ever returns; connector calls get the values back.
 */

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The settings as stored in the clear (sealed entries by name only) and the values to seal. */
export function splitSealedSettings(
  settings: Record<string, unknown>,
  sealedKeys: readonly string[] = [],
): { clear: Record<string, unknown>; sealed: Record<string, unknown> } {
  const clear: Record<string, unknown> = { ...settings };
  const sealed: Record<string, unknown> = {};
  for (const key of sealedKeys) {
    const value = settings[key];
    if (!isMap(value)) continue;
    sealed[key] = value;
    clear[key] = Object.keys(value).sort();
  }
  return { clear, sealed };
}

/** The settings a connector sees: the clear ones with the sealed values put back. */
export function withSealedSettings(
  clear: Record<string, unknown>,
  sealed: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return sealed && Object.keys(sealed).length ? { ...clear, ...sealed } : clear;
}

/**
 * The API view of settings: a sealed entry by its names only, also for a value stored in
 * the clear before it was sealed (until `reseal` moves it).
 */
export function settingsForResponse(
  settings: Record<string, unknown>,
  sealedKeys: readonly string[] = [],
): Record<string, unknown> {
  if (!sealedKeys.some(key => isMap(settings[key]))) return settings;
  return splitSealedSettings(settings, sealedKeys).clear;
}

/** Whether stored settings still hold a sealed entry's values in the clear (written before sealing existed). */
export function hasUnsealedSettings(
  settings: Record<string, unknown>,
  sealedKeys: readonly string[] = [],
): boolean {
  return sealedKeys.some(key => isMap(settings[key]));
}
