import useAsync from 'react-use/esm/useAsync';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { incidentEntityRefOf } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
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
          <Flex direction="column" gap="4">
            {incidents.map(incident => (
              <IncidentSection key={incident.id} incident={incident} />
            ))}
          </Flex>
        )}
      </CardBody>
    </Card>
  );
}
