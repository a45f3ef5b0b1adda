import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
import type { ConflictResolution } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { PageContent } from '../shared/PageContent';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { ConflictCard } from './ConflictCard';

/** Conflicts queued for manual review, each with its field diff and the three resolutions. */
export function ConflictsPage() {
  const api = useApi(itsmSyncApiRef);
  const [lastResolved, setLastResolved] = useState<string>();

  const {
    value: conflicts,
    loading,
    error,
    retry,
  } = useAsyncRetry(async () => {
    const pending = await api.listConflicts({ status: 'pending' });
    // The detail route adds the incident title and integration name for the diff.
    return Promise.all(pending.map(c => api.getConflict(c.id)));
  }, [api]);

  const resolve = async (
    id: string,
    field: string,
    resolution: ConflictResolution,
  ) => {
    await api.resolveConflict(id, resolution);
    setLastResolved(`Resolved the ${field} conflict with ${resolution}.`);
    retry();
  };

  if (loading && !conflicts) return <Progress />;

  return (
    <PageContent>
      {error && <ResponseErrorPanel error={error} />}
      {lastResolved && (
        <Text role="status" color="success">
          {lastResolved}
        </Text>
      )}
      {conflicts && conflicts.length === 0 && (
        <EmptyState
          missing="data"
          title="No pending conflicts"
          description="Every conflict has been resolved."
        />
      )}
      {conflicts?.map(conflict => (
        <ConflictCard
          key={conflict.id}
          conflict={conflict}
          onResolve={resolution =>
            resolve(conflict.id, conflict.field, resolution)
          }
        />
      ))}
    </PageContent>
  );
}
