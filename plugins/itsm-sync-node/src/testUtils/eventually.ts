/** What `eventually` polls: a value, or a falsy one while the condition does not hold yet. @public */
export type EventualCheck<T> = () =>
  Promise<T | undefined | false | null> | T | undefined | false | null;

/**
 * Polls `check` until it gives a truthy value and returns it; a check that throws counts
 * as not yet. Fails after `timeoutMs`, naming `what` (a function is asked only then, so
 * it can report counts) and the last error, so tests wait for asynchronous sync work
 * without ever sleeping blindly.
 * @public
 */
export async function eventually<T>(
  check: EventualCheck<T>,
  what: string | (() => string) = 'the condition',
  timeoutMs = 10_000,
  intervalMs = 25,
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
    if (Date.now() > deadline) {
      const described = typeof what === 'function' ? what() : what;
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${described}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
