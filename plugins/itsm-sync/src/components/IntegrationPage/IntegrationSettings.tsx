import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatValue } from '../shared/formatting';
import { KeyValueTable, type KeyValueRow } from '../shared/KeyValueTable';

/**
 * An integration's settings, read-only (docs/sync-semantics.md#integration-settings):
 * credentials and webhook secrets appear only as names and a count, as the API gives them.
 */
export function IntegrationSettings(props: {
  integration: IntegrationResponse;
}) {
  const i = props.integration;
  const rows: KeyValueRow[] = [
    { id: 'type', label: 'Connector', value: i.integration_type },
    { id: 'enabled', label: 'Enabled', value: i.enabled ? 'yes' : 'no' },
    { id: 'base_url', label: 'Base URL', value: i.base_url },
    { id: 'direction', label: 'Sync direction', value: i.sync_direction },
    { id: 'strategy', label: 'Conflict strategy', value: i.conflict_strategy },
    {
      id: 'window',
      label: 'Conflict window',
      value: `${i.conflict_window_seconds} s`,
    },
    {
      id: 'rate_limit',
      label: 'Rate limit',
      value: i.rate_limit === null ? 'none' : `${i.rate_limit} per minute`,
    },
    {
      id: 'backoff',
      label: 'Backoff multiplier',
      value: String(i.backoff_multiplier),
    },
    { id: 'webhook_url', label: 'Webhook URL', value: i.webhook_url },
    {
      id: 'secrets',
      label: 'Webhook secrets',
      value: String(i.webhook_secret_count),
    },
    {
      id: 'credentials',
      label: 'Credentials',
      value: i.credential_keys.join(', ') || 'none',
    },
    ...Object.entries(i.settings).map(([key, value]) => ({
      id: `settings.${key}`,
      label: key,
      value: formatValue(value),
    })),
  ];
  return <KeyValueTable rows={rows} />;
}
