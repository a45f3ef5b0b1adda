import { Link } from '@backstage/core-components';
import { Text } from '@backstage/ui';
import type { IncidentLinkResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime } from '../shared/formatting';
import { SyncStateIndicator } from '../shared/SyncStateIndicator';
import { IntegrationName } from '../shared/IntegrationName';
import { SyncWithItsmButton } from './SyncWithItsmButton';

/** One linked ticket of an incident: where it lives, its sync state, and the manual sync. */
export function IncidentLinkRow(props: { link: IncidentLinkResponse }) {
  const { link } = props;
  const ticket = link.external_key ?? link.external_id;
  return (
    <tr>
      <td>
        <IntegrationName
          name={link.integration_name}
          type={link.integration_type}
        />
      </td>
      <td>
        {ticket && link.external_url && (
          <Link
            to={link.external_url}
            target="_blank"
            rel="noopener noreferrer"
          >
            {ticket}
          </Link>
        )}
        {ticket && !link.external_url && (
          <Text variant="body-small">{ticket}</Text>
        )}
        {!ticket && (
          <Text variant="body-small" color="secondary">
            no ticket yet
          </Text>
        )}
      </td>
      <td>
        <SyncStateIndicator state={link.sync_state} />
        {link.last_error && (
          <Text as="div" variant="body-x-small" color="danger">
            {link.last_error}
          </Text>
        )}
      </td>
      <td>
        <Text variant="body-small">{formatTime(link.last_synced_at)}</Text>
      </td>
      <td>
        <SyncWithItsmButton
          integrationId={link.integration_id}
          incidentId={link.incident_id}
          cooldownUntil={link.manual_sync_cooldown_until}
        />
      </td>
    </tr>
  );
}
