import {
  eventually as pollUntil,
  type EventualCheck,
} from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';

/** Polls until `check` gives a truthy value; bounded, so a broken system fails instead of hanging. */
export const eventually = <T>(
  check: EventualCheck<T>,
  what: string | (() => string),
  timeoutMs = 30_000,
  intervalMs = 100,
) => pollUntil(check, what, timeoutMs, intervalMs);
