/** Time source, replaceable in tests that step through the retry schedule. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
