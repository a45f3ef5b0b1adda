import useAsync from 'react-use/esm/useAsync';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Badge, Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import type { IncidentResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { incidentEntityRefOf } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { incidentGroups } from './incidentGroups';
import { IncidentSection } from './IncidentSection';

/** Entity page card: the entity's incidents and how each one stands with its ITSM tickets. */
export function EntityIncidentsCard() {
  const { entity } = useEntity();
  const api = useApi(itsmSyncApiRef);
  const entityRef = incidentEntityRefOf(entity, stringifyEntityRef(entity));
  const {
    value: incidents,
    loading,
    error,
  } = useAsync(() => api.listIncidentsForEntity(entityRef), [api, entityRef]);

  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          ITSM sync
        </Text>
      </CardHeader>
      <CardBody>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {incidents && incidents.length === 0 && (
          <EmptyState
            missing="data"
            title="No incidents"
            description={`No incidents are filed against ${entityRef}.`}
          />
        )}
        {incidents && incidents.length > 0 && (
          <IncidentList incidents={incidents} />
        )}
      </CardBody>
    </Card>
  );
}

/** Counts per status, the active incidents newest first, and the resolved ones folded away. */
function IncidentList(props: { incidents: IncidentResponse[] }) {
  const { active, done, counts } = incidentGroups(props.incidents);
  return (
    <Flex direction="column" gap="4">
      <Flex gap="2" align="center" aria-label="Incidents per status">
        {counts.map(c => (
          <Badge key={c.status} size="small">
            {`${c.count} ${c.status}`}
          </Badge>
        ))}
      </Flex>
      {active.map(incident => (
        <IncidentSection key={incident.id} incident={incident} />
      ))}
      {done.length > 0 && (
        <details>
          <summary>
            <Text variant="body-small" color="secondary">
              {`${done.length} resolved or closed incident${done.length === 1 ? '' : 's'}`}
            </Text>
          </summary>
          <Flex direction="column" gap="4" mt="3">
            {done.map(incident => (
              <IncidentSection key={incident.id} incident={incident} />
            ))}
          </Flex>
        </details>
      )}
    </Flex>
  );
}
