import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
import type { IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { DlqTable } from './DlqTable';

/** The failed entries of one integration's dead-letter queue. */
export function IntegrationDlq(props: { integration: IntegrationResponse }) {
  const { integration } = props;
  const api = useApi(itsmSyncApiRef);
  const [notice, setNotice] = useState<string>();
  const {
    value: entries,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.listDlq(integration.id), [api, integration.id]);

  const act = async (entryId: string, action: 'retry' | 'discard') => {
    if (action === 'retry') await api.retryDlqEntry(integration.id, entryId);
    else await api.discardDlqEntry(integration.id, entryId);
    setNotice(
      action === 'retry'
        ? `Entry ${entryId} queued for another attempt.`
        : `Entry ${entryId} discarded.`,
    );
    retry();
  };

  return (
    <section aria-label={`DLQ of ${integration.name}`}>
      <Text as="h3" variant="title-x-small">
        {`${integration.name} (${integration.integration_type})`}
      </Text>
      {notice && (
        <Text as="p" role="status" variant="body-small" color="success">
          {notice}
        </Text>
      )}
      {loading && !entries && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {entries && entries.length === 0 && (
        <Text as="p" variant="body-small" color="secondary">
          The dead-letter queue is empty.
        </Text>
      )}
      {entries && entries.length > 0 && (
        <DlqTable entries={entries} onAct={act} />
      )}
    </section>
  );
}
