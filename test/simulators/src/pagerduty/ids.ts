import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A PagerDuty-style object id: `P` and six upper-case alphanumerics, e.g. `PABC123`. */
export function pagerDutyId(
  taken: { has(id: string): boolean } = new Set<string>(),
): string {
  for (;;) {
    let id = 'P';
    for (let i = 0; i < 6; i++) id += ALPHABET[randomInt(ALPHABET.length)];
    if (!taken.has(id)) return id;
  }
}

/** Webhook v3 event ids are ULID-like: 26 upper-case alphanumerics. */
export function webhookEventId(): string {
  let id = '01';
  for (let i = 0; i < 24; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
