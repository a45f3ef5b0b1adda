import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRefParams } from '@backstage/frontend-plugin-api';
import { Header } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { incidentRouteRef } from '../../routes';
import { PageContent } from '../shared/PageContent';
import { SyncHistory } from '../SyncHistory/SyncHistory';
import { Section } from '../shared/Section';
import { FieldComparison } from './FieldComparison';
import { IncidentConflicts } from './IncidentConflicts';
import { IncidentTickets } from './IncidentTickets';
import { IncidentTimeline } from './IncidentTimeline';

/**
 * One incident (from the entity card and the conflicts page): its fields beside each
 * linked ticket's, the tickets with deep links, the notes timeline, pending conflicts and
 * the sync history (what the hub did with every field of every change, and why).
 */
export function IncidentPage() {
  const { id } = useRouteRefParams(incidentRouteRef);
  const api = useApi(itsmSyncApiRef);
  const {
    value: incident,
    loading,
    error,
  } = useAsync(() => api.getIncident(id), [api, id]);
  if (loading) return <Progress />;
  if (error || !incident)
    return (
      <PageContent>
        <ResponseErrorPanel error={error ?? new Error(`No incident ${id}`)} />
      </PageContent>
    );
  return (
    <>
      <Header
        title={incident.title}
        description={`${incident.severity} · ${incident.status}${incident.entity_ref ? ` · ${incident.entity_ref}` : ''}`}
      />
      <PageContent>
        <Section title="Fields and tickets">
          <FieldComparison incident={incident} />
        </Section>
        <Section title="Tickets">
          <IncidentTickets links={incident.links} />
        </Section>
        <Section title="Conflicts">
          <IncidentConflicts incidentId={incident.id} />
        </Section>
        <Section title="Notes and events">
          <IncidentTimeline incidentId={incident.id} />
        </Section>
        <Section title="Sync history">
          <SyncHistory
            incidentId={incident.id}
            integrationNames={Object.fromEntries(
              incident.links.map(l => [l.integration_id, l.integration_name]),
            )}
          />
        </Section>
      </PageContent>
    </>
  );
}
