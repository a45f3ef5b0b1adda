import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { ItsmIntegrationNoticeSettings } from '@itsm-sync-hub/plugin-itsm-sync-node';

const FLAGS = ['conflicts', 'dlq', 'health'] as const;
const KEYS = ['owner', ...FLAGS];

/**
 * An integration's `settings.notifications` (docs/sync-semantics.md#notifications): an
 * owner entity ref and per-kind switches. Throws an Error naming the bad key.
 */
export function noticeSettingsOf(
  settings: Record<string, unknown>,
): ItsmIntegrationNoticeSettings {
  const value = settings.notifications;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`notifications must be an object with ${KEYS.join(', ')}`);
  }
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter(k => !KEYS.includes(k));
  if (unknown.length) {
    throw new Error(
      `notifications: unknown key ${unknown.join(', ')}; known keys: ${KEYS.join(', ')}`,
    );
  }
  const out: ItsmIntegrationNoticeSettings = {};
  if (given.owner !== undefined) {
    if (typeof given.owner !== 'string') {
      throw new Error('notifications.owner must be an entity ref string');
    }
    try {
      // A full ref (kind:namespace/name), so a typo cannot silently notify nobody.
      out.owner = stringifyEntityRef(parseEntityRef(given.owner));
    } catch {
      throw new Error(
        `notifications.owner '${given.owner}' is not an entity ref like group:default/payments`,
      );
    }
  }
  for (const flag of FLAGS) {
    if (given[flag] === undefined) continue;
    if (typeof given[flag] !== 'boolean') {
      throw new Error(`notifications.${flag} must be true or false`);
    }
    out[flag] = given[flag];
  }
  return out;
}
