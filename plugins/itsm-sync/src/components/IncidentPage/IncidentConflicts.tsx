import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { ConflictCard } from '../ConflictsPage/ConflictCard';

/** The incident's pending conflicts, each with its diff and, for those allowed, the resolutions. */
export function IncidentConflicts(props: { incidentId: string }) {
  const api = useApi(itsmSyncApiRef);
  const { value, error, retry } = useAsyncRetry(async () => {
    const pending = await api.listConflicts({ status: 'pending' });
    return Promise.all(
      pending
        .filter(c => c.incident_id === props.incidentId)
        .map(c => api.getConflict(c.id)),
    );
  }, [api, props.incidentId]);
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (!value.length)
    return (
      <Text variant="body-small" color="secondary">
        No pending conflicts.
      </Text>
    );
  return (
    <Flex direction="column" gap="3">
      {value.map(conflict => (
        <ConflictCard
          key={conflict.id}
          conflict={conflict}
          onResolve={async resolution => {
            await api.resolveConflict(conflict.id, resolution);
            retry();
          }}
        />
      ))}
    </Flex>
  );
}
