import { Flex, Link, Text } from '@backstage/ui';
import type { IncidentResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { IncidentTickets } from '../IncidentPage/IncidentTickets';
import { useIncidentLink } from '../shared/useRouteLink';
import { RoutedIntegrations } from './RoutedIntegrations';
import { SyncHistoryButton } from '../SyncHistory/SyncHistoryButton';

/** An incident, its title leading to its page, with one row per linked external ticket. */
export function IncidentSection(props: { incident: IncidentResponse }) {
  const { incident } = props;
  const incidentLink = useIncidentLink();
  return (
    <section aria-label={`Incident ${incident.title}`}>
      <Flex direction="column" gap="2">
        <Flex align="center" gap="2">
          <Text as="h3" variant="title-x-small">
            {incidentLink ? (
              <Link href={incidentLink(incident.id)}>{incident.title}</Link>
            ) : (
              incident.title
            )}
          </Text>
          <Text variant="body-small" color="secondary">
            {`${incident.severity} · ${incident.status}`}
          </Text>
          <SyncHistoryButton incident={incident} />
        </Flex>
        {incident.links.length === 0 ? (
          <RoutedIntegrations incidentId={incident.id} />
        ) : (
          <IncidentTickets links={incident.links} />
        )}
      </Flex>
    </section>
  );
}
