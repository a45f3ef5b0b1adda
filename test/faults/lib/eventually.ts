/** Polls until `check` gives a truthy value; bounded, so a broken system fails instead of hanging. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  what: string | (() => string),
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}${last ? `: ${last}` : ''}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
