import { sameValue } from './fields';

/**
 * An inbound value equal to what the hub itself last wrote to the ticket is the echo of
 * the hub's own write (vendors fire webhooks on API writes too): it is not applied or
 * sent on again.
 */
export function isEcho(
  lastWritten: Record<string, unknown>,
  field: string,
  value: unknown,
): boolean {
  return field in lastWritten && sameValue(lastWritten[field], value);
}

/** Removes echoed fields from an inbound change. */
export function withoutEchoes<T extends Record<string, unknown>>(
  lastWritten: Record<string, unknown>,
  changes: T,
): { kept: Partial<T>; echoed: string[] } {
  const kept: Record<string, unknown> = {};
  const echoed: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (isEcho(lastWritten, field, value)) echoed.push(field);
    else kept[field] = value;
  }
  return { kept: kept as Partial<T>, echoed };
}
