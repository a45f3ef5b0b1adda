import type { IntegrationRecord, LinkRecord } from '../store/types';

/** The default "Sync with ITSM" cooldown (ten minutes; docs/sync-semantics.md#cooldown). */
const DEFAULT_MANUAL_SYNC_COOLDOWN_SECONDS = 600;

/** The cooldown of an integration: `settings.manual_sync_cooldown_seconds`, else ten minutes. */
export function cooldownSecondsOf(integration: IntegrationRecord): number {
  const value = integration.settings.manual_sync_cooldown_seconds;
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0
    ? n
    : DEFAULT_MANUAL_SYNC_COOLDOWN_SECONDS;
}

/**
 * When the cooldown of the link's last manual sync ends (epoch ms), or undefined when
 * it never had one. Automatic updates inside the cooldown wait for its end and
 * then go out coalesced, so the ticket is not updated twice in the window.
 */
export function manualSyncCooldownEnd(
  link: LinkRecord,
  integration: IntegrationRecord,
): number | undefined {
  if (
    link.last_manual_sync_at === null ||
    link.last_manual_sync_at === undefined
  )
    return undefined;
  return link.last_manual_sync_at + cooldownSecondsOf(integration) * 1000;
}
