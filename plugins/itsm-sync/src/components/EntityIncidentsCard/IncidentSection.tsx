import { Flex, Text } from '@backstage/ui';
import type { IncidentResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { IncidentLinkRow } from './IncidentLinkRow';
import { RoutedIntegrations } from './RoutedIntegrations';
import { SyncHistoryButton } from '../SyncHistory/SyncHistoryButton';

/** An incident with one row per linked external ticket. */
export function IncidentSection(props: { incident: IncidentResponse }) {
  const { incident } = props;
  return (
    <section aria-label={`Incident ${incident.title}`}>
      <Flex align="center" gap="2">
        <Text as="h3" variant="title-x-small">
          {incident.title}
        </Text>
        <Text variant="body-small" color="secondary">
          {`${incident.severity} · ${incident.status}`}
        </Text>
        <SyncHistoryButton incident={incident} />
      </Flex>
      {incident.links.length === 0 ? (
        <RoutedIntegrations incidentId={incident.id} />
      ) : (
        <table style={{ width: '100%', borderSpacing: '8px 4px' }}>
          <thead>
            <tr>
              <th align="left">Integration</th>
              <th align="left">Ticket</th>
              <th align="left">Sync state</th>
              <th align="left">Last sync</th>
              <th align="left">Action</th>
            </tr>
          </thead>
          <tbody>
            {incident.links.map(link => (
              <IncidentLinkRow key={link.integration_id} link={link} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
